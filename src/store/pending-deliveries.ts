import type { PendingDeliveries } from "../engine/store-port.ts";
import { dueSetList } from "./due-set-list.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";

/**
 * The outbox's pending list as a due set of the backend (members: delivery ids; due: when each was queued), so
 * the outbox and its every-few-seconds look for orphans read the pending ids only. They used to be marker keys
 * (`outbox-pending:<id>`, `{ at }`), found by listing every key of the store: on Redis a SCAN of the whole
 * keyspace, every two seconds on every replica. Markers an earlier version left are moved in (due-set-list.ts).
 */
export function createPendingDeliveries(kv: AtomicKv): PendingDeliveries {
  const list = dueSetList(
    kv,
    areas.pendingDeliveries.area,
    (marker) => (JSON.parse(marker) as { at?: number }).at ?? 0,
  );
  return {
    set: list.set,
    ids: (limit) => list.ids(limit),
    remove: (id) => kv.dueSets.remove(list.set, id),
  };
}
