import { randomUUID } from "node:crypto";
import type { AtomicKv } from "./kv.ts";

/** A lease on one key of the shared store: at most one holder at a time, for `ttlMs` after its last renewal. */
export interface StoreLease {
  /** The holder's id (random per lease object, so one per process and purpose). */
  readonly holder: string;
  /** Takes the lease if it is free (or expired), renews it if it is ours; true while this holder has it. */
  hold(): Promise<boolean>;
  /** Gives the lease up at once if it is still ours, so another holder need not wait for it to expire. */
  release(): Promise<void>;
}

/** A lease under `key`; each hold() writes it again for `ttlMs` (set-if-absent, or compare-and-set when ours). */
export function createStoreLease(kv: AtomicKv, key: string, options: { readonly ttlMs: number }): StoreLease {
  const holder = randomUUID();
  return {
    holder,
    async hold() {
      const stored = await kv.get(key);
      if (stored === undefined) return (await kv.setIfAbsent(key, holder, options.ttlMs)) !== null;
      if (stored.value !== holder) return false;
      return (await kv.compareAndSet(key, stored.token, holder, options.ttlMs)) !== null;
    },
    async release() {
      const stored = await kv.get(key);
      if (stored?.value === holder) await kv.compareAndDelete(key, stored.token);
    },
  };
}
