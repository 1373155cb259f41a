import type { AtomicKv, DueSets } from "../../src/store/kv.ts";

/** Store operations by kind: what one webhook costs the store, counted at the port every repository goes through. */
export type OpCounts = Record<
  "get" | "set" | "setIfAbsent" | "compareAndSet" | "compareAndDelete" | "delete" | "keys" | "due",
  number
>;

export const noOps = (): OpCounts => ({
  get: 0,
  set: 0,
  setIfAbsent: 0,
  compareAndSet: 0,
  compareAndDelete: 0,
  delete: 0,
  keys: 0,
  due: 0,
});

/** Wraps a store so every call is counted (a store of the kind `openKv` returns; `close` is not an operation). */
export function countingKv(kv: AtomicKv): {
  kv: AtomicKv;
  counts: () => OpCounts;
  /** The same calls by `operation area` (the key's first part: payment, outbox, lease…). */
  byArea: () => Record<string, number>;
  reset: () => void;
} {
  let counts = noOps();
  let areas = new Map<string, number>();
  const count = <T>(op: keyof OpCounts, key: string, call: () => Promise<T>): Promise<T> => {
    counts[op]++;
    const name = `${op} ${key.split(":")[0]}`;
    areas.set(name, (areas.get(name) ?? 0) + 1);
    return call();
  };
  return {
    counts: () => ({ ...counts }),
    byArea: () => Object.fromEntries([...areas].sort((a, b) => b[1] - a[1])),
    reset: () => {
      counts = noOps();
      areas = new Map();
    },
    kv: {
      get: (key) => count("get", key, () => kv.get(key)),
      set: (key, value, ttlMs) => count("set", key, () => kv.set(key, value, ttlMs)),
      setIfAbsent: (key, value, ttlMs) => count("setIfAbsent", key, () => kv.setIfAbsent(key, value, ttlMs)),
      compareAndSet: (key, token, value, ttlMs) =>
        count("compareAndSet", key, () => kv.compareAndSet(key, token, value, ttlMs)),
      compareAndDelete: (key, token) => count("compareAndDelete", key, () => kv.compareAndDelete(key, token)),
      delete: (key) => count("delete", key, () => kv.delete(key)),
      keys: (prefix) => count("keys", prefix, () => kv.keys(prefix)),
      // The due-time index is the store's own (a sorted set, an indexed table): passed through, each call counted.
      ...(kv.dueSets === undefined ? {} : { dueSets: countingDueSets(kv.dueSets, count) }),
      close: () => kv.close(),
    },
  };
}

function countingDueSets(
  sets: DueSets,
  count: <T>(op: keyof OpCounts, key: string, call: () => Promise<T>) => Promise<T>,
): DueSets {
  return {
    add: (set, member, dueAt, onlyIfAbsent) => count("due", set, () => sets.add(set, member, dueAt, onlyIfAbsent)),
    remove: (set, member) => count("due", set, () => sets.remove(set, member)),
    due: (set, now, limit) => count("due", set, () => sets.due(set, now, limit)),
    claim: (set, now, leaseUntil, limit) => count("due", set, () => sets.claim(set, now, leaseUntil, limit)),
  };
}
