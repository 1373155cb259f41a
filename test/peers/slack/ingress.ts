import { createHmac } from "node:crypto";
import type { EnvelopeType, SocketHub } from "./socket.ts";
import type { PeerState } from "./state.ts";

/** What one POST to the app's request URL came to. */
export interface IngressDelivery {
  readonly kind: "event" | "command" | "interaction";
  /** The event_id of an Events API delivery. */
  readonly eventId?: string;
  /** 0 for the first attempt, then X-Slack-Retry-Num. */
  readonly retryNum: number;
  /** The app's HTTP status; undefined when it did not answer in time or the connection failed. */
  readonly status?: number;
  readonly failure?: "http_timeout" | "connection_failed";
  readonly body: string;
}

export interface IngressOptions {
  readonly signingSecret: string;
  /** Slack waits 3 s for an acknowledgement, then counts the delivery as failed. */
  readonly ackTimeoutMs?: number;
  /** Waits before each redelivery of an event (Slack: at once, after 1 min, after 5 min). */
  readonly retryDelaysMs?: readonly number[];
}

export interface PostOutcome {
  readonly status?: number;
  readonly body: string;
  readonly failure?: "http_timeout" | "connection_failed";
}

/**
 * Slack's side of the Request URL: signs every request (v0 HMAC-SHA256 of `v0:<timestamp>:<body>` with the
 * signing secret, X-Slack-Request-Timestamp) and POSTs Events API envelopes (JSON), slash commands (form) and
 * interactions (form with payload=<JSON>). An event not acknowledged with a 2xx within 3 s is delivered again
 * with X-Slack-Retry-Num and X-Slack-Retry-Reason, up to three times, as Slack does. In Socket Mode the same
 * deliveries travel as envelopes over the app's connection (unsigned: the connection is the authentication), and
 * redeliveries carry retry_attempt and retry_reason.
 */
export class Ingress {
  /** The app's Request URL (…/slack/events); set once pagobot listens. */
  target: string | undefined;
  /** Socket Mode: while the app holds a connection, everything goes over it instead of the Request URL. */
  socket: SocketHub | undefined;
  readonly deliveries: IngressDelivery[] = [];
  private readonly envelopes = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly state: PeerState,
    private readonly options: IngressOptions,
  ) {}

  /** The headers Slack would send with this body at this moment (seconds since the epoch). */
  sign(body: string, timestampS = Math.floor(this.state.now() / 1000)): Record<string, string> {
    const signature = createHmac("sha256", this.options.signingSecret).update(`v0:${timestampS}:${body}`).digest("hex");
    return { "x-slack-request-timestamp": String(timestampS), "x-slack-signature": `v0=${signature}` };
  }

  /** Wraps an event in its Events API envelope and delivers it (with redeliveries); resolves to its event_id. */
  event(event: Record<string, unknown>): string {
    const eventId = this.state.newId("Ev");
    const envelope = {
      token: "verification-token-unused",
      team_id: this.state.teamId,
      api_app_id: this.state.appId,
      event: { ...event, event_ts: event.event_ts ?? this.state.newTs() },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(this.state.now() / 1000),
      authorizations: [{ team_id: this.state.teamId, user_id: this.state.botUserId, is_bot: true }],
      is_ext_shared_channel: false,
    };
    const body = JSON.stringify(envelope);
    this.envelopes.set(eventId, body);
    this.track(this.deliverEvent(eventId, body));
    return eventId;
  }

  /** Delivers an event again as Slack does after a missed acknowledgement (the same body and event_id). */
  redeliver(eventId: string, retryNum = 1, reason = "http_timeout"): Promise<PostOutcome> {
    const body = this.envelopes.get(eventId);
    if (body === undefined) throw new Error(`no event ${eventId} was delivered`);
    return this.track(this.attempt("event", body, "application/json", retryNum, reason, eventId));
  }

  /** A slash command (form-encoded), answered once: Slack shows the person an error if it is not acked in 3 s. */
  command(fields: Record<string, string>): Promise<PostOutcome> {
    const body = new URLSearchParams(fields).toString();
    return this.track(
      this.attempt("command", body, "application/x-www-form-urlencoded", 0, undefined, undefined, fields),
    );
  }

  /** An interaction (block_actions, view_submission): form-encoded `payload=<JSON>`. */
  interaction(payload: Record<string, unknown>): Promise<PostOutcome> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.track(
      this.attempt("interaction", body, "application/x-www-form-urlencoded", 0, undefined, undefined, payload),
    );
  }

  /** A raw POST with chosen headers (for forged or stale requests). */
  async post(body: string, headers: Record<string, string>, contentType = "application/json"): Promise<PostOutcome> {
    return await this.send(body, { "content-type": contentType, ...headers });
  }

  /** Resolves when every delivery and redelivery started so far has finished. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  stop(): void {
    this.stopped = true;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work)).catch(() => undefined);
    return work;
  }

  private async deliverEvent(eventId: string, body: string): Promise<void> {
    const delays = this.options.retryDelaysMs ?? [50, 200, 500];
    let outcome = await this.attempt("event", body, "application/json", 0, undefined, eventId);
    for (let retry = 1; retry <= delays.length && !acked(outcome) && !this.stopped; retry += 1) {
      await new Promise((resolve) => setTimeout(resolve, delays[retry - 1]));
      if (this.stopped) return;
      const reason = outcome.failure ?? "http_error";
      outcome = await this.attempt("event", body, "application/json", retry, reason, eventId);
    }
  }

  private async attempt(
    kind: IngressDelivery["kind"],
    body: string,
    contentType: string,
    retryNum: number,
    reason?: string,
    eventId?: string,
    payload: unknown = JSON.parse(body),
  ): Promise<PostOutcome> {
    const outcome =
      this.socket?.connected === true
        ? await this.socket.deliver(
            ENVELOPE_TYPES[kind],
            payload,
            this.options.ackTimeoutMs ?? 3_000,
            retryNum === 0 ? undefined : { attempt: retryNum, reason: reason ?? "http_error" },
          )
        : await this.postSigned(body, contentType, retryNum, reason);
    this.deliveries.push({
      kind,
      retryNum,
      body,
      ...(eventId === undefined ? {} : { eventId }),
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      ...(outcome.failure === undefined ? {} : { failure: outcome.failure }),
    });
    this.state.emit("delivery");
    return outcome;
  }

  private async postSigned(body: string, contentType: string, retryNum: number, reason?: string): Promise<PostOutcome> {
    const retryHeaders: Record<string, string> =
      retryNum === 0 ? {} : { "x-slack-retry-num": String(retryNum), "x-slack-retry-reason": reason ?? "http_error" };
    return await this.send(body, { "content-type": contentType, ...this.sign(body), ...retryHeaders });
  }

  private async send(body: string, headers: Record<string, string>): Promise<PostOutcome> {
    const target = this.target;
    if (target === undefined) throw new Error("the peer has no Request URL to deliver to (set ingress.target)");
    try {
      const response = await fetch(target, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(this.options.ackTimeoutMs ?? 3_000),
      });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      return { body: "", failure: timedOut ? "http_timeout" : "connection_failed" };
    }
  }
}

const ENVELOPE_TYPES: Readonly<Record<IngressDelivery["kind"], EnvelopeType>> = {
  event: "events_api",
  command: "slash_commands",
  interaction: "interactive",
};

function acked(outcome: PostOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status < 300;
}
