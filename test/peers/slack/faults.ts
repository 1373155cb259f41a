import { type Params, SlackApiError } from "./body.ts";

/** What a fault does to one Web API call. */
export type Fault =
  /** `{ ok: false, error }` with HTTP 200, as Slack refuses a call (e.g. "channel_not_found"). */
  | { readonly kind: "error"; readonly error: string }
  /** HTTP 429 with Retry-After (seconds), as Slack's rate limiter answers. */
  | { readonly kind: "rate-limit"; readonly retryAfterS: number }
  /** An HTTP 5xx from Slack's front end. */
  | { readonly kind: "server-error"; readonly status: number }
  /** A slow answer: the call is processed after this delay. */
  | { readonly kind: "delay"; readonly ms: number };

export interface FaultRule {
  /** A Web API method name ("chat.update"), or "*" for every method. */
  readonly method: string;
  readonly fault: Fault;
  /** How many calls it hits; unlimited when absent. */
  readonly times?: number;
  /** Only calls whose arguments pass this test. */
  readonly when?: (params: Params) => boolean;
}

/** What the peer does wrong on purpose. */
export class Faults {
  private readonly rules: { rule: FaultRule; hits: number }[] = [];
  /** Every fault answered, for assertions that it really happened. */
  readonly injected: { method: string; fault: Fault }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule, hits: 0 });
  }

  clear(): void {
    this.rules.length = 0;
  }

  /** Waits out delays, then throws the refusal a fault calls for. */
  async apply(method: string, params: Params): Promise<void> {
    for (const entry of this.rules) {
      const { rule } = entry;
      if (rule.method !== "*" && rule.method !== method) continue;
      if (rule.times !== undefined && entry.hits >= rule.times) continue;
      if (rule.when !== undefined && !rule.when(params)) continue;
      entry.hits += 1;
      this.injected.push({ method, fault: rule.fault });
      const { fault } = rule;
      if (fault.kind === "delay") await new Promise((resolve) => setTimeout(resolve, fault.ms));
      else if (fault.kind === "rate-limit") throw new SlackApiError("ratelimited", 429, fault.retryAfterS);
      else if (fault.kind === "server-error") throw new SlackApiError("internal_error", fault.status);
      else throw new SlackApiError(fault.error);
    }
  }
}
