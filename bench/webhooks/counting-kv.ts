import type { AtomicKv } from "../../src/store/kv.ts";
import { type KvCall, wrapKv } from "../../test/helpers/wrap-kv.ts";

/** Store operations by kind: what one webhook costs the store, counted at the port every repository goes through. */
export type OpCounts = Record<KvCall["op"], number>;

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
    kv: wrapKv(kv, (call, what) => count(what.op, what.key, call)),
  };
}
