import type { DueCollection } from "../engine/store-port.ts";
import { createCollection } from "./collection.ts";
import type { AtomicKv } from "./kv.ts";

/**
 * A collection whose records are also indexed by when they are due (`dueOf`; null: not due any more), in the
 * backend's due sets. Every write keeps the index in step, so the reconciler and the reminders read only what is
 * due (`claimDue`), never every record.
 *
 * Order of the two writes, for a crash between them: the index is written before a record is created (an index
 * entry without its record is dropped at its claim), and after a record is deleted or no longer due. Two plain
 * writes go to the store together, in that order (kv.ts: applied in the order made); a step after a conditional
 * write waits for its answer.
 */
export function createDueCollection<T>(
  kv: AtomicKv,
  area: string,
  dueOf: (value: T) => number | null,
  ttlMs?: number,
): DueCollection<T> {
  const records = createCollection<T>(kv, area, ttlMs);
  const sets = kv.dueSets;
  const set = `due:${area}`;
  const index = async (id: string, due: number | null) => {
    if (due === null) await sets.remove(set, id);
    else await sets.add(set, id, due);
  };
  const collection: DueCollection<T> = {
    along: {
      // Created only if absent, like `create`: a record already there keeps its own due time in the index.
      create: (id, value) => {
        const due = dueOf(value);
        return records.along.create(id, value, due === null ? undefined : { set, member: id, dueAt: due });
      },
      delete: (id) => records.along.delete(id, { set, member: id }),
      deleteIfEquals: (id, value) => records.along.deleteIfEquals(id, value, { set, member: id }),
    },
    get: (id) => records.get(id),
    async put(id, value) {
      const due = dueOf(value);
      if (due !== null) await Promise.all([sets.add(set, id, due), records.put(id, value)]);
      else await Promise.all([records.put(id, value), sets.remove(set, id)]);
    },
    async create(id, value) {
      const due = dueOf(value);
      // Only if absent: the record may exist already (then its own due time stays in the index).
      if (due !== null) await sets.add(set, id, due, true);
      const created = await records.create(id, value);
      // A stale index entry (a record deleted by a process that died before unindexing it) takes the new time.
      if (created && due !== null) await sets.add(set, id, due);
      return created;
    },
    async update(id, change) {
      let before: number | null = null;
      const result = await records.update(id, (current) => {
        before = dueOf(current);
        return change(current);
      });
      if (result.applied) {
        const after = dueOf(result.value);
        // Unchanged due time: the index is left alone (a claim's lease stays where the claim put it).
        if (after !== before) await index(id, after);
      }
      return result;
    },
    async delete(id) {
      await Promise.all([records.delete(id), sets.remove(set, id)]);
    },
    async deleteIf(id, predicate) {
      const deleted = await records.deleteIf(id, predicate);
      if (deleted) await sets.remove(set, id);
      return deleted;
    },
    ids: () => records.ids(),
    async dueBy(now, limit) {
      return readDue(await sets.due(set, now, limit), now);
    },
    async claimDue(now, limit, leaseMs) {
      return readDue(await sets.claim(set, now, now + leaseMs, limit), now);
    },
    async reindex(id) {
      const value = await records.get(id);
      const due = value === undefined ? null : dueOf(value);
      if (due !== null) await sets.add(set, id, due, true);
      return value;
    },
  };
  /** The records of due ids; an id whose record is gone or no longer due leaves the index, one due later goes back. */
  const readDue = async (ids: readonly string[], now: number) => {
    const found: { id: string; value: T }[] = [];
    for (const id of ids) {
      const value = await records.get(id);
      const due = value === undefined ? null : dueOf(value);
      if (value === undefined || due === null) await sets.remove(set, id);
      else if (due > now) await sets.add(set, id, due);
      else found.push({ id, value });
    }
    return found;
  };
  return collection;
}
