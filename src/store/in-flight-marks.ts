import { randomInt } from "node:crypto";
import type { InFlightMarks } from "../engine/store-port.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";

/** How many marks one read lists at most (a longer list is read again as recovery works through it). */
const DEFAULT_LIMIT = 10_000;

/**
 * In-flight marks as a due set of the backend: each payment a member, its score the marking's stamp (random: a
 * mark is matched, not ordered). A mark was a record (`inflight:<id>`) found by listing every key of the store,
 * on Redis a SCAN of the whole keyspace at every reconciler tick; the first read of a process moves records an
 * earlier version left into the set.
 */
export function createInFlightMarks(kv: AtomicKv): InFlightMarks {
  const area = areas.inflight.area;
  const set = `due:${area}`;
  let moved: Promise<void> | undefined;
  const moveRecords = async () => {
    const prefix = `${area}:`;
    for (const key of await kv.keys(prefix)) {
      await kv.dueSets.add(set, key.slice(prefix.length), stamp(), true);
      await kv.delete(key);
    }
  };
  // Below 2^48 (randomInt's range): exact as a Redis score and an SQLite integer.
  const stamp = () => randomInt(2 ** 47);
  return {
    set,
    stamp,
    async mark(paymentId) {
      const mine = stamp();
      await kv.dueSets.add(set, paymentId, mine);
      return mine;
    },
    async clear(paymentId, stamp) {
      if (stamp === undefined) await kv.dueSets.remove(set, paymentId);
      else await kv.dueSets.removeIf(set, paymentId, stamp);
    },
    async ids(limit = DEFAULT_LIMIT) {
      moved ??= moveRecords().catch((error: unknown) => {
        moved = undefined;
        throw error;
      });
      await moved;
      return kv.dueSets.due(set, Number.POSITIVE_INFINITY, limit);
    },
  };
}
