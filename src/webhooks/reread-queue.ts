import type { Logger } from "../log/logger.ts";

/** What became of one offered re-read. */
export type Offered = "queued" | "coalesced" | "full";

/**
 * The re-reads the webhook listener owes, bounded: at most `concurrency` run at once and at most `capacity`
 * wait. A full queue is the listener's backpressure: it answers 503 and DropPay posts the webhook again later
 * (droppay-api.md: delivery is retried with backoff while the listener answers non-2xx), instead of piling up
 * background work without limit.
 */
export interface RereadQueue {
  /**
   * Offers the re-read of `key`. One already waiting covers this one ("coalesced"); one already running is run
   * once more after it ends (the change this delivery reports may have come after that read began).
   */
  offer(key: string, run: () => Promise<void>): Offered;
  /** True when nothing more can wait: the listener refuses before reading the store for credentials. */
  full(): boolean;
  /** Re-reads waiting or running. */
  pending(): number;
  /** Resolves when nothing waits or runs (tests, shutdown). */
  idle(): Promise<void>;
}

export interface RereadQueueOptions {
  readonly capacity: number;
  readonly concurrency: number;
  readonly logger: Logger;
}

export function createRereadQueue(options: RereadQueueOptions): RereadQueue {
  const waiting = new Map<string, () => Promise<void>>();
  const running = new Map<string, { again: boolean }>();
  let idleWaiters: (() => void)[] = [];

  const settleIdle = () => {
    if (waiting.size > 0 || running.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const pump = () => {
    while (running.size < options.concurrency) {
      const next = waiting.entries().next();
      if (next.done === true) break;
      const [key, run] = next.value;
      waiting.delete(key);
      const state = { again: false };
      running.set(key, state);
      void (async () => {
        do {
          state.again = false;
          try {
            await run();
          } catch (error) {
            options.logger.error("webhook re-read failed", { key, error });
          }
        } while (state.again);
        running.delete(key);
        pump();
        settleIdle();
      })();
    }
  };

  return {
    offer(key, run) {
      const current = running.get(key);
      if (current !== undefined) {
        current.again = true;
        return "coalesced";
      }
      if (waiting.has(key)) return "coalesced";
      if (waiting.size >= options.capacity) return "full";
      waiting.set(key, run);
      pump();
      return "queued";
    },
    full: () => waiting.size >= options.capacity,
    pending: () => waiting.size + running.size,
    idle: () =>
      waiting.size === 0 && running.size === 0
        ? Promise.resolve()
        : new Promise((resolve) => idleWaiters.push(resolve)),
  };
}
