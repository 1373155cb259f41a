import type { AtomicKv } from "../../src/store/kv.ts";
import { type KvCall, wrapKv } from "./wrap-kv.ts";

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
  const writes = new Set<KvCall["op"]>(["set", "setIfAbsent", "compareAndSet"]);
  const wrapped = wrapKv(kv, (call, what) =>
    writes.has(what.op) ? written(what.key, what.value ?? "", call) : gate(call),
  );
  // A frozen process never closes its connection: the test closes the store it opened.
  return { frozen: () => frozen, kv: { ...wrapped, close: () => Promise.resolve() } };
}
