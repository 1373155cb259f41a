import type { DueSets } from "./kv.ts";

interface SortedSet {
  readonly dueOf: Map<string, number>;
  /** (due, member) pairs in order: due first, then member, so the same due times come out in a fixed order. */
  readonly order: [number, string][];
}

const before = (a: readonly [number, string], due: number, member: string) =>
  a[0] < due || (a[0] === due && a[1] < member);

/** Where (due, member) is, or goes, in `order` (binary search). */
function position(order: readonly [number, string][], due: number, member: string): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (before(order[mid] as [number, string], due, member)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The in-process due sets: each a sorted array of (due, member) and a map from member to due. Every operation is
 * synchronous, so a claim cannot interleave with another in this process.
 */
export function createMemoryDueSets(): DueSets {
  const sets = new Map<string, SortedSet>();
  const setOf = (name: string) => {
    let set = sets.get(name);
    if (set === undefined) {
      set = { dueOf: new Map(), order: [] };
      sets.set(name, set);
    }
    return set;
  };
  const remove = (set: SortedSet, member: string) => {
    const due = set.dueOf.get(member);
    if (due === undefined) return;
    set.order.splice(position(set.order, due, member), 1);
    set.dueOf.delete(member);
  };
  const add = (set: SortedSet, member: string, due: number) => {
    remove(set, member);
    set.order.splice(position(set.order, due, member), 0, [due, member]);
    set.dueOf.set(member, due);
  };
  const dueNow = (set: SortedSet, now: number, limit: number) => {
    const found: string[] = [];
    for (const [due, member] of set.order) {
      if (due > now || found.length >= limit) break;
      found.push(member);
    }
    return found;
  };
  return {
    async add(name, member, dueAt, onlyIfAbsent) {
      const set = setOf(name);
      if (onlyIfAbsent && set.dueOf.has(member)) return;
      add(set, member, dueAt);
    },
    async remove(name, member) {
      remove(setOf(name), member);
    },
    async removeIf(name, member, dueAt) {
      const set = setOf(name);
      if (set.dueOf.get(member) !== dueAt) return false;
      remove(set, member);
      return true;
    },
    async count(name) {
      return setOf(name).dueOf.size;
    },
    async due(name, now, limit) {
      return dueNow(setOf(name), now, limit);
    },
    async claim(name, now, leaseUntil, limit) {
      const set = setOf(name);
      const claimed = dueNow(set, now, limit);
      for (const member of claimed) add(set, member, leaseUntil);
      return claimed;
    },
  };
}
