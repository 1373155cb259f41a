import type { Clock } from "../engine/clock.ts";
import type { EngineStore } from "../engine/store-port.ts";
import type { Metrics, OutboxSnapshot } from "./metrics.ts";

/**
 * Feeds the forms-by-status and outbox gauges from the engine's store. Each scrape lists the payments and the
 * pending deliveries and reads each one, so the answer is cached for `minIntervalMs` (default 15 s): scraping
 * more often costs no more store reads. At tens of thousands of payments a counter kept by the engine would be
 * cheaper; until then this is exact, and bounded in how often it runs.
 */
export function collectEngineGauges(
  metrics: Pick<Metrics, "collectFormsByStatus" | "collectOutbox">,
  store: Pick<EngineStore, "payments" | "pendingDeliveries" | "outbox">,
  clock: Clock,
  options: { readonly minIntervalMs?: number } = {},
): void {
  const minIntervalMs = options.minIntervalMs ?? 15_000;
  metrics.collectFormsByStatus(
    cached(minIntervalMs, clock, async () => {
      const counts: Record<string, number> = {};
      for (const id of await store.payments.ids()) {
        const payment = await store.payments.get(id);
        if (payment === undefined) continue;
        const status = payment.status ?? "NONE";
        counts[status] = (counts[status] ?? 0) + 1;
      }
      return counts;
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
