import type { StoreStep } from "../../src/engine/store-port.ts";
import type { AtomicKv } from "../../src/store/kv.ts";

/** What a wrapped store call is: its operation, the key (or due set) it touches, and the value it writes. */
export interface KvCall {
  readonly op: "get" | "set" | "setIfAbsent" | "compareAndSet" | "compareAndDelete" | "delete" | "keys" | "due";
  readonly key: string;
  readonly value?: string;
  /** A commit's or an apply's steps (written in the same atomic step). */
  readonly steps?: readonly StoreStep[];
}

/**
 * A store connection whose every call goes through `around` (counting, freezing, cutting off), the backend's own
 * due sets and commits included. `close` is passed through.
 */
export function wrapKv(kv: AtomicKv, around: <T>(call: () => Promise<T>, what: KvCall) => Promise<T>): AtomicKv {
  const sets = kv.dueSets;
  return {
    get: (key) => around(() => kv.get(key), { op: "get", key }),
    set: (key, value, ttlMs) => around(() => kv.set(key, value, ttlMs), { op: "set", key, value }),
    setIfAbsent: (key, value, ttlMs) =>
      around(() => kv.setIfAbsent(key, value, ttlMs), { op: "setIfAbsent", key, value }),
    compareAndSet: (key, token, value, ttlMs) =>
      around(() => kv.compareAndSet(key, token, value, ttlMs), { op: "compareAndSet", key, value }),
    compareAndDelete: (key, token) => around(() => kv.compareAndDelete(key, token), { op: "compareAndDelete", key }),
    delete: (key) => around(() => kv.delete(key), { op: "delete", key }),
    keys: (prefix) => around(() => kv.keys(prefix), { op: "keys", key: prefix }),
    dueSets: {
      add: (set, member, dueAt, onlyIfAbsent) =>
        around(() => sets.add(set, member, dueAt, onlyIfAbsent), { op: "due", key: set }),
      remove: (set, member) => around(() => sets.remove(set, member), { op: "due", key: set }),
      removeIf: (set, member, dueAt) => around(() => sets.removeIf(set, member, dueAt), { op: "due", key: set }),
      count: (set) => around(() => sets.count(set), { op: "due", key: set }),
      due: (set, now, limit) => around(() => sets.due(set, now, limit), { op: "due", key: set }),
      claim: (set, now, leaseUntil, limit) =>
        around(() => sets.claim(set, now, leaseUntil, limit), { op: "due", key: set }),
    },
    // A commit is one call, seen as its guarded record's write (everything else moves in the same step).
    commit: (change, steps) =>
      around(() => kv.commit(change, steps), { op: "compareAndSet", key: change.key, value: change.value, steps }),
    // Steps applied alone are seen as their first record's write (a delivery created with its place on the list).
    apply: (steps) => {
      const first = steps[0];
      const what: KvCall =
        first?.kind === "create"
          ? { op: "setIfAbsent", key: first.key, value: first.value, steps }
          : { op: "delete", key: first?.kind === "delete" ? first.key : "", steps };
      return around(() => kv.apply(steps), what);
    },
    close: () => kv.close(),
  };
}
