import type { Clock } from "../engine/clock.ts";
import type { EngineStore } from "../engine/store-port.ts";
import type { Metrics, OutboxSnapshot } from "./metrics.ts";

/**
 * Feeds the forms-by-status and outbox gauges from the engine's store: the count of each status's set (a
 * payment's change moves it there in the same step: store-port.ts FormsByStatus), and the pending list's length
 * with its oldest delivery. Never a read of every payment; the payments from before the index are put in it at
 * the first scrape (once per store). Each answer is kept `minIntervalMs` (default 15 s).
 */
export function collectEngineGauges(
  metrics: Pick<Metrics, "collectFormsByStatus" | "collectOutbox">,
  store: Pick<EngineStore, "formsByStatus" | "pendingDeliveries" | "outbox">,
  clock: Clock,
  options: { readonly minIntervalMs?: number } = {},
): void {
  const minIntervalMs = options.minIntervalMs ?? 15_000;
  metrics.collectFormsByStatus(
    cached(minIntervalMs, clock, async () => {
      await store.formsByStatus.backfill();
      return store.formsByStatus.counts();
    }),
  );
  metrics.collectOutbox(
    cached(minIntervalMs, clock, async (): Promise<OutboxSnapshot> => {
      // The pending list comes oldest first: the age is the first delivery's that is still stored.
      const ids = await store.pendingDeliveries.ids();
      let oldest: number | null = null;
      for (const id of ids) {
        oldest = (await store.outbox.get(id))?.createdAt ?? null;
        if (oldest !== null) break;
      }
      return {
        depth: ids.length,
        oldestAgeSeconds: oldest === null ? null : Math.max(0, (clock.now() - oldest) / 1000),
      };
    }),
  );
}

function cached<T>(minIntervalMs: number, clock: Clock, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | null = null;
  return () => {
    if (last === null || clock.now() - last.at >= minIntervalMs) {
      const value = read();
      last = { at: clock.now(), value };
      // A failed read is not kept: the next scrape tries again.
      value.catch(() => {
        last = null;
      });
    }
    return last.value;
  };
}
