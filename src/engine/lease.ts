import type { EngineStore, StoreStep } from "./store-port.ts";

/**
 * How often a held lease is renewed. The store keeps a lease 5 s after its last write (src/store/keys.ts), so a
 * live holder renews it three times per life and a dead one loses it within 5 s.
 */
export const LEASE_RENEW_MS = 1_500;

/** A lease this process holds until `release()`; renewed in the background meanwhile. */
export interface HeldLease {
  release(): Promise<void>;
  /**
   * Lets the lease go in the same atomic step as the holder's last write under it: `write` gets the step that
   * deletes the lease, to commit with its own, and answers whether it committed. When no version of the lease is
   * known here to delete, or the write did not commit (or failed), the lease is let go after it, as `release` does.
   */
  releaseAlong(write: (steps: readonly StoreStep[]) => Promise<boolean>): Promise<void>;
}

/** The leases one process takes: each is renewed while held, and all are let go when the process stops. */
export interface LeaseKeeper {
  /**
   * Takes the lease `id` if nobody holds it (a set-if-absent: exactly one taker wins, across replicas) and keeps
   * it renewed until released. Resolves to undefined when someone else holds it.
   */
  take(id: string): Promise<HeldLease | undefined>;
  /** Runs `work` under the lease `id`; undefined (and `work` not run) when another holder has it. */
  under<T>(id: string, work: () => Promise<T>): Promise<{ value: T } | undefined>;
  /**
   * Stops renewing and deletes every lease still held: work this process leaves behind is handed over at once
   * (its in-flight mark stays, and the next process or replica takes it over without waiting for expiry).
   */
  releaseAll(): Promise<void>;
}

export function createLeaseKeeper(store: EngineStore, owner: string): LeaseKeeper {
  const held = new Map<string, HeldLease>();
  let stopped = false;
  const keeper: LeaseKeeper = {
    async take(id) {
      if (stopped || !(await store.leases.create(id, { owner }))) return undefined;
      let renewing: Promise<unknown> = Promise.resolve();
      const timer = setInterval(() => {
        // Renewing rewrites the record, which restarts its time to live; only our own lease is renewed.
        renewing = store.leases.update(id, (cur) => (cur.owner === owner ? { owner } : undefined)).catch(() => {});
      }, LEASE_RENEW_MS);
      timer.unref();
      let released = false;
      /** Stops renewing; false when the lease was already let go. */
      const letGo = async () => {
        if (released) return false;
        released = true;
        clearInterval(timer);
        held.delete(id);
        // A renewal under way writes a new version: the one to delete is the one it leaves.
        await renewing;
        return true;
      };
      const deleteOurs = () => store.leases.deleteIf(id, (cur) => cur.owner === owner);
      const lease: HeldLease = {
        async release() {
          if (await letGo()) await deleteOurs();
        },
        async releaseAlong(write) {
          if (!(await letGo())) {
            await write([]);
            return;
          }
          const step = store.leases.along.deleteKnown(id);
          let committed: boolean;
          try {
            committed = (await write(step === undefined ? [] : [step])) && step !== undefined;
          } catch (error) {
            await deleteOurs().catch(() => {});
            throw error;
          }
          if (!committed) await deleteOurs();
        },
      };
      held.set(id, lease);
      return lease;
    },
    async under(id, work) {
      const lease = await keeper.take(id);
      if (lease === undefined) return undefined;
      try {
        return { value: await work() };
      } finally {
        await lease.release();
      }
    },
    async releaseAll() {
      stopped = true;
      await Promise.all([...held.values()].map((lease) => lease.release().catch(() => {})));
    },
  };
  return keeper;
}

/** The lease of a payment's flow (a press being carried out, a form being created, a recovery). */
export const flowLease = (paymentId: string) => `flow:${paymentId}`;
