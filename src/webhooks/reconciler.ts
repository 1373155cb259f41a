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

/** How many items a pass works on at once (a slow PSP answer must not hold up every other form). */
const PASS_CONCURRENCY = 4;
/** How many due entries a pass takes at most (the rest are still due at the next tick, a second later). */
export const PASS_BATCH = 64;
/**
 * How long an entry taken by a pass is this replica's alone. Each worker takes one entry just before re-reading
 * it, so the lease covers one re-read: a form read whose every attempt is cut by the DropPay client's timeout
 * (10 s). A replica killed mid-pass delays the entries it held by at most this on the others (2 minutes before,
 * when a pass took its whole batch up front). A read still running past it (retried after timeouts) may be made
 * again by another replica: harmless, a re-read applies the form's status by compare-and-set and announces it
 * through the outbox's fixed delivery ids.
 */
export const RECONCILE_LEASE_MS = 30 * SECOND;

export interface Reconciler {
  /**
   * Starts the timer at once; in the background, takes over the flows a stopped process left (within seconds:
   * their leases run out) and re-reads every form on the list once (a PAID that came while the bot was down is
   * announced), without counting that read as a retry.
   */
  start(): Promise<void>;
  /** Recovers what is in flight, then re-reads what is due now (the timer calls it; tests after moving their clock). */
  runDue(): Promise<void>;
  /**
   * Stops the timer; a pass under way stops before its next item (not awaited: a hung PSP call must not hold a
   * stop up; what it leaves is in flight, and the next process recovers it).
   */
  stop(): void;
}

export interface ReconcilerDeps {
  readonly store: EngineStore;
  readonly engine: Pick<EngineRuntime, "refresh" | "inflight" | "recover">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the timer looks for due items and flows to recover. */
  readonly tickMs?: number;
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * The reconciler: every form that is not final, and every pending Connection, is re-read on a backoff schedule
 * kept in the store, so a lost webhook, a crash or a restart never leaves a payment unannounced; and every
 * second, the payments in flight whose process died are taken over (engine.recover). Time comes from the
 * injected clock; the timer only wakes it.
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  const logger = deps.logger.child({ module: "reconciler" });
  const tickMs = deps.tickMs ?? SECOND;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** One re-read. At start-up (`counted` false) it neither counts as an attempt nor pushes the next read away. */
  const runEntry = async (entry: ScheduleEntry, counted: boolean) => {
    const key = `${entry.kind}:${entry.id}`;
    let outcome: Awaited<ReturnType<typeof deps.engine.refresh>>;
    try {
      outcome = await deps.engine.refresh(entry, counted ? "reconcile" : "startup");
    } catch (error) {
      logger.error("re-read failed", { kind: entry.kind, id: entry.id, error });
      outcome = "open";
    }
    const now = deps.clock.now();
    if (outcome === "settled") {
      await deps.store.schedule.delete(key);
      return;
    }
    if (!counted) return;
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

  /** Every entry, once at start-up; each one also goes into the due index if it was written before the index. */
  const everyEntry = async () => {
    const found: ScheduleEntry[] = [];
    for (const key of await deps.store.schedule.ids()) {
      const entry = await deps.store.schedule.reindex(key);
      if (entry !== undefined) found.push(entry);
    }
    return found;
  };

  const recoverInflight = async () => {
    await eachLimited(await deps.engine.inflight(), PASS_CONCURRENCY, async (id) => {
      if (stopped) return;
      try {
        await deps.engine.recover(id);
      } catch (error) {
        logger.error("recovery failed", { paymentId: id, error });
      }
    });
  };

  const run = async () => {
    await recoverInflight();
    // Only what is due, taken for this replica alone (leased): never a read of every entry on the list. Each
    // worker takes its next entry when it is free, so an entry's lease starts when its re-read does (an entry
    // taken up front behind slow reads would see its lease run out before it was read).
    let taken = 0;
    const next = async () => {
      if (stopped || taken >= PASS_BATCH) return undefined;
      taken++;
      const [due] = await deps.store.schedule.claimDue(deps.clock.now(), 1, RECONCILE_LEASE_MS);
      return due;
    };
    const worker = async (first: Awaited<ReturnType<typeof next>>) => {
      for (let due = first; due !== undefined; due = await next()) await runEntry(due.value, true);
    };
    // One claim when nothing is due (every replica's pass, every second); the other workers start once there is.
    const first = await next();
    if (first === undefined) return;
    await Promise.all([
      worker(first),
      ...Array.from({ length: PASS_CONCURRENCY - 1 }, async () => worker(await next())),
    ]);
  };

  // One pass at a time: a slow PSP must not pile passes up.
  const exclusive = () => {
    if (running !== undefined) return running;
    running = run().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    timer = setTimeout(() => {
      exclusive()
        .catch((error: unknown) => logger.error("reconciler pass failed", { error }))
        .finally(() => {
          if (!stopped) tick();
        });
    }, tickMs);
    timer.unref();
  };

  return {
    async start() {
      // The list is taken now; the work goes on in the background: start-up never waits for a pass over every
      // old form, and the timer (recovery every tick) runs from the start.
      const all = await everyEntry();
      void (async () => {
        await exclusive();
        await eachLimited(all, PASS_CONCURRENCY, async (entry) => {
          if (!stopped) await runEntry(entry, false);
        });
      })().catch((error: unknown) => logger.error("start-up pass failed", { error }));
      tick();
    },
    runDue: () => exclusive(),
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
