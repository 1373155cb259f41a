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
  /**
   * Round trips: calls made in one turn of the event loop count once, as they reach the store together (the Redis
   * client writes a turn's commands in one go; SQLite runs a turn's statements in one transaction). Calls of two
   * webhooks that meet in one turn count once too: this is what the store is sent, not a per-webhook sum.
   */
  trips: () => number;
  reset: () => void;
} {
  let counts = noOps();
  let areas = new Map<string, number>();
  let trips = 0;
  let turnOpen = false;
  const count = <T>(op: keyof OpCounts, key: string, call: () => Promise<T>): Promise<T> => {
    counts[op]++;
    if (!turnOpen) {
      turnOpen = true;
      trips++;
      setImmediate(() => {
        turnOpen = false;
      });
    }
    const name = `${op} ${key.split(":")[0]}`;
    areas.set(name, (areas.get(name) ?? 0) + 1);
    return call();
  };
  return {
    counts: () => ({ ...counts }),
    byArea: () => Object.fromEntries([...areas].sort((a, b) => b[1] - a[1])),
    trips: () => trips,
    reset: () => {
      trips = 0;
      counts = noOps();
      areas = new Map();
    },
    kv: wrapKv(kv, (call, what) => count(what.op, what.key, call)),
  };
}
