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
      close: () => Promise.resolve(),
    },
  };
}
