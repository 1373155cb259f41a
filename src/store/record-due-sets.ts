import type { AtomicKv, DueSets } from "./kv.ts";

/** How many times a change re-reads after losing a compare-and-set race. */
const MAX_ATTEMPTS = 200;

type Dues = Record<string, number>;

/**
 * Due sets for a store that has none of its own (a wrapper around a backend written before they existed): each
 * set is one record `due-set:<name>` of member → due time, changed by compare-and-set. Correct and bounded (one
 * read and one write per call), but every replica writes that one record.
 */
export function dueSetsOver(kv: AtomicKv): DueSets {
  const key = (set: string) => `due-set:${set}`;
  const change = async <T>(set: string, step: (dues: Dues) => { next: Dues | null; result: T }): Promise<T> => {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await kv.get(key(set));
      const dues: Dues = stored === undefined ? {} : (JSON.parse(stored.value) as Dues);
      const { next, result } = step(dues);
      if (next === null) return result;
      const text = JSON.stringify(next);
      const written =
        stored === undefined
          ? await kv.setIfAbsent(key(set), text)
          : await kv.compareAndSet(key(set), stored.token, text);
      if (written) return result;
    }
    throw new Error(`due set ${set}: kept conflicting`);
  };
  const dueNow = (dues: Dues, now: number, limit: number) =>
    Object.entries(dues)
      .filter(([, due]) => due <= now)
      .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([member]) => member);
  return {
    add: (set, member, dueAt, onlyIfAbsent) =>
      change(set, (dues) => ({
        next: onlyIfAbsent && member in dues ? null : { ...dues, [member]: dueAt },
        result: undefined,
      })),
    remove: (set, member) =>
      change(set, (dues) => {
        if (!(member in dues)) return { next: null, result: undefined };
        const { [member]: _gone, ...rest } = dues;
        return { next: rest, result: undefined };
      }),
    async due(set, now, limit) {
      const stored = await kv.get(key(set));
      return stored === undefined ? [] : dueNow(JSON.parse(stored.value) as Dues, now, limit);
    },
    claim: (set, now, leaseUntil, limit) =>
      change(set, (dues) => {
        const claimed = dueNow(dues, now, limit);
        if (claimed.length === 0) return { next: null, result: claimed };
        const next = { ...dues };
        for (const member of claimed) next[member] = leaseUntil;
        return { next, result: claimed };
      }),
  };
}
