import type { PendingDeliveries } from "../engine/store-port.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";

/** How many pending ids one read lists at most (a backlog longer than this is read again as it drains). */
const DEFAULT_LIMIT = 10_000;

/**
 * The outbox's pending list as a due set of the backend (members: delivery ids; due: when each was queued), so
 * the outbox and its every-few-seconds look for orphans read the pending ids only. They used to be marker keys
 * (`outbox-pending:<id>`), which had to be found by listing every key of the store: on Redis a SCAN of the whole
 * keyspace, every two seconds on every replica. The first read of a process moves markers left by an earlier
 * version into the set, so no delivery pending across the upgrade is forgotten.
 */
export function createPendingDeliveries(kv: AtomicKv): PendingDeliveries {
  const area = areas.pendingDeliveries.area;
  const set = `due:${area}`;
  let moved: Promise<void> | undefined;
  const moveMarkers = async () => {
    const prefix = `${area}:`;
    for (const key of await kv.keys(prefix)) {
      const marker = await kv.get(key);
      if (marker !== undefined) {
        const at = (JSON.parse(marker.value) as { at?: number }).at ?? 0;
        await kv.dueSets.add(set, key.slice(prefix.length), at, true);
      }
      await kv.delete(key);
    }
  };
  return {
    set,
    async ids(limit = DEFAULT_LIMIT) {
      moved ??= moveMarkers().catch((error: unknown) => {
        moved = undefined;
        throw error;
      });
      await moved;
      return kv.dueSets.due(set, Number.POSITIVE_INFINITY, limit);
    },
    remove: (id) => kv.dueSets.remove(set, id),
  };
}
