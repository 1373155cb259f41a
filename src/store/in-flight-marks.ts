import { randomInt } from "node:crypto";
import type { InFlightMarks } from "../engine/store-port.ts";
import { dueSetList } from "./due-set-list.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";

/** A marking's stamp, below 2^48 (randomInt's range): exact as a Redis score and an SQLite integer. */
const newStamp = () => randomInt(2 ** 47);

/**
 * In-flight marks as a due set of the backend: each payment a member, its score the marking's stamp (random: a
 * mark is matched, not ordered). A mark was a record (`inflight:<id>`) found by listing every key of the store,
 * on Redis a SCAN of the whole keyspace at every reconciler tick; records an earlier version left are moved in
 * (due-set-list.ts).
 */
export function createInFlightMarks(kv: AtomicKv): InFlightMarks {
  const list = dueSetList(kv, areas.inflight.area, newStamp);
  return {
    set: list.set,
    stamp: newStamp,
    along: {
      mark: (paymentId, stamp) => ({ kind: "due-add", place: { set: list.set, member: paymentId, dueAt: stamp } }),
      clear: (paymentId) => ({ kind: "due-remove", place: { set: list.set, member: paymentId } }),
    },
    async mark(paymentId) {
      const stamp = newStamp();
      await kv.dueSets.add(list.set, paymentId, stamp);
      return stamp;
    },
    async clear(paymentId, stamp) {
      if (stamp === undefined) await kv.dueSets.remove(list.set, paymentId);
      else await kv.dueSets.removeIf(list.set, paymentId, stamp);
    },
    ids: (limit) => list.ids(limit),
  };
}
