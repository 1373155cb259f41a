import type { AtomicKv } from "../../src/store/kv.ts";

/**
 * A store connection that freezes (every call from then on never returns) right after a write that `when`
 * picks has been made: the process dies at that exact point, with that write in the store and nothing after it.
 * The same store opened without the wrapper is what the restarted process sees.
 */
export function freezeAfterWrite(
  kv: AtomicKv,
  when: (key: string, value: string) => boolean,
): { kv: AtomicKv; frozen: () => boolean } {
  let frozen = false;
  const never = <T>() => new Promise<T>(() => {});
  const gate = async <T>(call: () => Promise<T>): Promise<T> => (frozen ? never<T>() : call());
  const written = async <T>(key: string, value: string, call: () => Promise<T>): Promise<T> => {
    if (frozen) return never<T>();
    const result = await call();
    if (result !== false && when(key, value)) frozen = true;
    return frozen ? never<T>() : result;
  };
  const sets = kv.dueSets;
  return {
    frozen: () => frozen,
    kv: {
      get: (key) => gate(() => kv.get(key)),
      set: (key, value, ttlMs) => written(key, value, () => kv.set(key, value, ttlMs)),
      setIfAbsent: (key, value, ttlMs) => written(key, value, () => kv.setIfAbsent(key, value, ttlMs)),
      compareAndSet: (key, token, value, ttlMs) =>
        written(key, value, () => kv.compareAndSet(key, token, value, ttlMs)),
      compareAndDelete: (key, token) => gate(() => kv.compareAndDelete(key, token)),
      delete: (key) => gate(() => kv.delete(key)),
      keys: (prefix) => gate(() => kv.keys(prefix)),
      // The backend's own due index, frozen with the rest: without it the store would fall back to keeping the
      // index in one record (dueSetsOver), and a crash test would exercise that instead of what runs.
      ...(sets === undefined
        ? {}
        : {
            dueSets: {
              add: (set, member, dueAt, onlyIfAbsent) => gate(() => sets.add(set, member, dueAt, onlyIfAbsent)),
              remove: (set, member) => gate(() => sets.remove(set, member)),
              due: (set, now, limit) => gate(() => sets.due(set, now, limit)),
              claim: (set, now, leaseUntil, limit) => gate(() => sets.claim(set, now, leaseUntil, limit)),
            },
          }),
      close: () => Promise.resolve(),
    },
  };
}
