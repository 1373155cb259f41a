import type { Logger } from "../../log/logger.ts";
import type { FetchLike } from "../transport.ts";
import type { SandboxRandom } from "./random.ts";

// Webhooks as droppay-api.md decides: on every status change, POST the object (as GET returns it) to
// `webhooks.all`, with HTTP basic auth taken from that URL's userinfo; at least once, retried with backoff
// while the listener answers non-2xx or times out. The chaos switch adds copies, delays and reordering.

/** The chaos switch: what the sandbox does to deliveries on purpose. */
export interface WebhookChaos {
  /** Send every delivery twice. */
  readonly duplicate: boolean;
  /** Hold each delivery between half this many milliseconds and all of them (random, per delivery). */
  readonly delayMs: number;
  /** Collect deliveries of the same object for a moment and send them newest first. */
  readonly reorder: boolean;
}

/** One attempt at one delivery, for the playground's panel and for tests. */
export interface WebhookLogEntry {
  readonly subjectId: string;
  readonly status: string;
  /** The listener without its credentials. */
  readonly target: string;
  readonly attempt: number;
  readonly outcome: "delivered" | "failed";
  readonly httpStatus: number | null;
  readonly error: string | null;
  readonly at: number;
}

export interface WebhookRetryPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

export const defaultWebhookRetry: WebhookRetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  timeoutMs: 5_000,
};

interface Job {
  readonly url: string;
  readonly subjectId: string;
  readonly status: string;
  readonly body: string;
  attempt: number;
}

/** Sends the sandbox's webhooks. */
export interface WebhookDispatcher {
  /** Queues the object's current state for its listener. */
  send(subjectId: string, status: string, url: string, body: unknown): void;
  /** Sends an earlier delivery again (the latest one of `status`, or the latest of all): a replay, as real copies are. */
  redeliver(subjectId: string, status?: string): boolean;
  setChaos(chaos: Partial<WebhookChaos>): WebhookChaos;
  chaos(): WebhookChaos;
  /** The next `count` attempts fail without reaching the listener (and are retried as usual). */
  failNext(count: number): void;
  log(): readonly WebhookLogEntry[];
  /** Resolves when nothing is queued, waiting or in flight. */
  idle(): Promise<void>;
  close(): void;
}

export function createWebhookDispatcher(options: {
  logger: Logger;
  random: SandboxRandom;
  now: () => number;
  fetch?: FetchLike;
  retry?: Partial<WebhookRetryPolicy>;
}): WebhookDispatcher {
  const retry = { ...defaultWebhookRetry, ...options.retry };
  const post = options.fetch ?? fetch;
  let chaos: WebhookChaos = { duplicate: false, delayMs: 0, reorder: false };
  let failures = 0;
  let closed = false;
  let pending = 0;
  let idleWaiters: (() => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const controllers = new Set<AbortController>();
  const history = new Map<string, Job[]>();
  const reorderBuffers = new Map<string, Job[]>();
  const entries: WebhookLogEntry[] = [];

  const later = (ms: number, task: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      task();
    }, ms);
    timers.add(timer);
  };
  const done = () => {
    pending--;
    if (pending === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };
  const record = (job: Job, outcome: WebhookLogEntry["outcome"], httpStatus: number | null, error: string | null) => {
    entries.push({
      subjectId: job.subjectId,
      status: job.status,
      target: withoutCredentials(job.url),
      attempt: job.attempt,
      outcome,
      httpStatus,
      error,
      at: options.now(),
    });
    if (entries.length > 500) entries.shift();
  };

  const attempt = async (job: Job): Promise<void> => {
    if (closed) return done();
    job.attempt++;
    let ok = false;
    let httpStatus: number | null = null;
    let error: string | null = null;
    if (failures > 0) {
      failures--;
      error = "failed on purpose (sandbox)";
    } else {
      const controller = new AbortController();
      controllers.add(controller);
      const timer = setTimeout(() => controller.abort(), retry.timeoutMs);
      try {
        const response = await post(withoutCredentials(job.url), {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "DropPay-Sandbox/1",
            ...(new URL(job.url).username === "" ? {} : { authorization: basicAuthOf(job.url) }),
          },
          body: job.body,
          signal: controller.signal,
          redirect: "error",
        });
        await response.text();
        httpStatus = response.status;
        ok = response.status >= 200 && response.status < 300;
      } catch (cause) {
        error = controller.signal.aborted ? "timeout" : cause instanceof Error ? cause.message : String(cause);
      } finally {
        clearTimeout(timer);
        controllers.delete(controller);
      }
    }
    if (closed) return done();
    record(job, ok ? "delivered" : "failed", httpStatus, error);
    if (ok || job.attempt >= retry.maxAttempts) {
      if (!ok) options.logger.warn("webhook given up", { subjectId: job.subjectId, attempts: job.attempt });
      return done();
    }
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (job.attempt - 1));
    later(Math.round(ceiling / 2 + (options.random.next() * ceiling) / 2), () => void attempt(job));
  };

  const dispatch = (job: Job) => {
    pending++;
    // Between half the chaos delay and all of it: always late enough to notice, never in lockstep.
    const delay = chaos.delayMs > 0 ? Math.floor(chaos.delayMs / 2 + (options.random.next() * chaos.delayMs) / 2) : 0;
    if (chaos.reorder) {
      const buffer = reorderBuffers.get(job.subjectId);
      if (buffer !== undefined) {
        buffer.push(job);
        return;
      }
      reorderBuffers.set(job.subjectId, [job]);
      later(Math.max(chaos.delayMs, 250), () => {
        const jobs = reorderBuffers.get(job.subjectId) ?? [];
        reorderBuffers.delete(job.subjectId);
        // newest first, one after the other, so the listener really sees them out of order
        void jobs.reverse().reduce((chain, j) => chain.then(() => attempt(j)), Promise.resolve());
      });
      return;
    }
    if (delay > 0) later(delay, () => void attempt(job));
    else void attempt(job);
  };

  const enqueue = (subjectId: string, status: string, url: string, body: string) => {
    const copies = chaos.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) dispatch({ url, subjectId, status, body, attempt: 0 });
  };

  return {
    send(subjectId, status, url, body) {
      if (closed) return;
      const json = JSON.stringify(body);
      const jobs = history.get(subjectId) ?? [];
      jobs.push({ url, subjectId, status, body: json, attempt: 0 });
      history.set(subjectId, jobs.slice(-20));
      enqueue(subjectId, status, url, json);
    },
    redeliver(subjectId, status) {
      const jobs = (history.get(subjectId) ?? []).filter((j) => status === undefined || j.status === status);
      const job = jobs[jobs.length - 1];
      if (job === undefined || closed) return false;
      enqueue(subjectId, job.status, job.url, job.body);
      return true;
    },
    setChaos(next) {
      chaos = {
        duplicate: next.duplicate ?? chaos.duplicate,
        delayMs: next.delayMs ?? chaos.delayMs,
        reorder: next.reorder ?? chaos.reorder,
      };
      return chaos;
    },
    chaos: () => chaos,
    failNext(count) {
      failures = Math.max(0, count);
    },
    log: () => [...entries],
    idle: () => (pending === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve))),
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const controller of controllers) controller.abort();
      pending = 0;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
}

/** The listener URL with its userinfo removed: what is dialled and what may be shown. */
export function withoutCredentials(url: string): string {
  const parsed = new URL(url);
  parsed.username = "";
  parsed.password = "";
  return parsed.toString();
}

/** `Basic …` from the URL's userinfo (percent-decoded, as RFC 3986 encodes it). */
export function basicAuthOf(url: string): string {
  const parsed = new URL(url);
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  return `Basic ${Buffer.from(credentials, "utf8").toString("base64")}`;
}
