import type { AtomicKv } from "./kv.ts";

/** How many members one read lists at most (a longer list is read again as the work behind it drains). */
const DEFAULT_LIMIT = 10_000;

/** A list of ids kept as one of the backend's due sets, read without listing the store's keys. */
export interface DueSetList {
  /** The due set (`due:<area>`), for the steps that write a record and its member together. */
  readonly set: string;
  /** Up to `limit` members, soonest due first. */
  ids(limit?: number): Promise<string[]>;
}

/**
 * The due set `due:<area>`, for a list an earlier version kept as records of their own (`<area>:<id>`), found by
 * listing every key of the store. The first read of a process moves such records into the set (due at
 * `dueOfRecord(value)`) and deletes them, so nothing listed before the upgrade is forgotten.
 */
export function dueSetList(kv: AtomicKv, area: string, dueOfRecord: (value: string) => number): DueSetList {
  const set = `due:${area}`;
  let moved: Promise<void> | undefined;
  const moveRecords = async () => {
    const prefix = `${area}:`;
    for (const key of await kv.keys(prefix)) {
      const record = await kv.get(key);
      if (record !== undefined) await kv.dueSets.add(set, key.slice(prefix.length), dueOfRecord(record.value), true);
      await kv.delete(key);
    }
  };
  return {
    set,
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
