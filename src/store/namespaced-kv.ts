import type { AtomicKv } from "./kv.ts";

/** Prefixes every key with `namespace:`, so several pagobots (or test suites) can share one Redis. */
export function namespaced(kv: AtomicKv, namespace: string): AtomicKv {
  const p = `${namespace}:`;
  return {
    get: (key) => kv.get(p + key),
    set: (key, value, ttlMs) => kv.set(p + key, value, ttlMs),
    setIfAbsent: (key, value, ttlMs) => kv.setIfAbsent(p + key, value, ttlMs),
    compareAndSet: (key, token, value, ttlMs) => kv.compareAndSet(p + key, token, value, ttlMs),
    compareAndDelete: (key, token) => kv.compareAndDelete(p + key, token),
    delete: (key) => kv.delete(p + key),
    keys: async (prefix) => (await kv.keys(p + prefix)).map((key) => key.slice(p.length)),
    close: () => kv.close(),
  };
}
