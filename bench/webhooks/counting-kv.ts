import type { AtomicKv } from "../../src/store/kv.ts";

/** Store operations by kind: what one webhook costs the store, counted at the port every repository goes through. */
export type OpCounts = Record<
  "get" | "set" | "setIfAbsent" | "compareAndSet" | "compareAndDelete" | "delete" | "keys",
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
});

/** Wraps a store so every call is counted (a store of the kind `openKv` returns; `close` is not an operation). */
export function countingKv(kv: AtomicKv): { kv: AtomicKv; counts: () => OpCounts; reset: () => void } {
  let counts = noOps();
  const count = <T>(op: keyof OpCounts, call: () => Promise<T>): Promise<T> => {
    counts[op]++;
    return call();
  };
  return {
    counts: () => ({ ...counts }),
    reset: () => {
      counts = noOps();
    },
    kv: {
      get: (key) => count("get", () => kv.get(key)),
      set: (key, value, ttlMs) => count("set", () => kv.set(key, value, ttlMs)),
      setIfAbsent: (key, value, ttlMs) => count("setIfAbsent", () => kv.setIfAbsent(key, value, ttlMs)),
      compareAndSet: (key, token, value, ttlMs) =>
        count("compareAndSet", () => kv.compareAndSet(key, token, value, ttlMs)),
      compareAndDelete: (key, token) => count("compareAndDelete", () => kv.compareAndDelete(key, token)),
      delete: (key) => count("delete", () => kv.delete(key)),
      keys: (prefix) => count("keys", () => kv.keys(prefix)),
      close: () => kv.close(),
    },
  };
}
