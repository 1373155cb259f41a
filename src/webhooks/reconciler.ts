import type { Clock } from "../engine/clock.ts";
import type { EngineRuntime } from "../engine/engine.ts";
import type { ScheduleEntry } from "../engine/records.ts";
import type { EngineStore } from "../engine/store-port.ts";
import type { Logger } from "../log/logger.ts";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Re-reads of a form that stays open: 30 s, 2 min, 10 min, 1 h, then every 6 h (payments.md R6). */
export const PAYMENT_BACKOFF_MS: readonly number[] = [30 * SECOND, 2 * MINUTE, 10 * MINUTE, HOUR, 6 * HOUR];
/** Re-reads of a pending Connection: the person is at their phone, so sooner. */
export const LINK_BACKOFF_MS: readonly number[] = [5 * SECOND, 10 * SECOND, 30 * SECOND, MINUTE, 5 * MINUTE, HOUR];
/** A form open longer than this raises an alert in the log (it keeps being read). */
export const STUCK_AFTER_MS = 7 * 24 * HOUR;

export interface Reconciler {
  /** Re-reads everything on the list at once (start-up: a restart never loses a PAID), then keeps going. */
  start(): Promise<void>;
  /** Re-reads what is due now (the timer calls it; tests call it after moving their clock). */
  runDue(): Promise<void>;
  stop(): void;
}

export interface ReconcilerDeps {
  readonly store: EngineStore;
  readonly engine: Pick<EngineRuntime, "refresh">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the timer looks for due items. */
  readonly tickMs?: number;
}

/**
 * The reconciler: every form that is not final, and every pending Connection, is re-read on a backoff schedule
 * kept in the store, so a lost webhook, a crash or a restart never leaves a payment unannounced. Time comes
 * from the injected clock; the timer only wakes it.
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const logger = deps.logger.child({ module: "reconciler" });
  const tickMs = deps.tickMs ?? SECOND;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runEntry = async (entry: ScheduleEntry) => {
    const key = `${entry.kind}:${entry.id}`;
    let outcome: Awaited<ReturnType<typeof deps.engine.refresh>>;
    try {
      outcome = await deps.engine.refresh(entry, "reconcile");
    } catch (error) {
      logger.error("re-read failed", { kind: entry.kind, id: entry.id, error });
      outcome = "open";
    }
    const now = deps.clock.now();
    if (outcome === "settled") {
      await deps.store.schedule.delete(key);
      return;
    }
    const backoff = entry.kind === "payment" ? PAYMENT_BACKOFF_MS : LINK_BACKOFF_MS;
    await deps.store.schedule.update(key, (e) => {
      const attempt = outcome === "wait" ? e.attempt : e.attempt + 1;
      const delay = outcome === "wait" ? 2 * SECOND : (backoff[Math.min(attempt - 1, backoff.length - 1)] ?? HOUR);
      return { ...e, attempt, dueAt: now + delay };
    });
    if (outcome === "open" && now - entry.since > STUCK_AFTER_MS && entry.attempt % 4 === 0) {
      logger.error("a payment is still not final after a week", { kind: entry.kind, id: entry.id });
    }
  };

  const run = async (all: boolean) => {
    const now = deps.clock.now();
    const entries: ScheduleEntry[] = [];
    for (const key of await deps.store.schedule.ids()) {
      const entry = await deps.store.schedule.get(key);
      if (entry !== undefined && (all || entry.dueAt <= now)) entries.push(entry);
    }
    for (const entry of entries) {
      if (stopped) return;
      await runEntry(entry);
    }
  };

  // One pass at a time: a slow PSP must not pile passes up.
  const exclusive = (all: boolean) => {
    if (running !== undefined) return running;
    running = run(all).finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    timer = setTimeout(() => {
      exclusive(false)
        .catch((error: unknown) => logger.error("reconciler pass failed", { error }))
        .finally(() => {
          if (!stopped) tick();
        });
    }, tickMs);
    timer.unref();
  };

  return {
    async start() {
      await exclusive(true);
      if (!stopped) tick();
    },
    runDue: () => exclusive(false),
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
