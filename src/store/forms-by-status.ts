import { PSP_STATUSES, type PspStatus } from "../engine/gateway-port.ts";
import type { PaymentRecord } from "../engine/records.ts";
import type { Collection, FormsByStatus, StoreStep } from "../engine/store-port.ts";
import type { AtomicKv } from "./kv.ts";

/** Set once the payments from before the index are in it (its value does not matter). */
const BACKFILLED = "forms-by-status:backfilled";

/**
 * Payments by their form's status as the backend's due sets (`due:forms:<STATUS>`, members: payment ids, due: when
 * the payment took that status). The /metrics gauge used to list and read every payment at each scrape: on Redis a
 * SCAN of the whole keyspace and one GET per payment ever made, on every replica.
 */
export function createFormsByStatus(kv: AtomicKv, payments: Collection<PaymentRecord>): FormsByStatus {
  // One due set per status.
  const setOf = (status: PspStatus) => `due:forms:${status}`;
  let backfilled: Promise<void> | undefined;

  /** Puts one payment in its status's set; read again after, so that one that moved meanwhile leaves it. */
  const index = async (id: string, status: PspStatus) => {
    await kv.dueSets.add(setOf(status), id, Date.now(), true);
    const current = (await payments.get(id))?.status ?? null;
    // Moved since it was read: its change put it in its new set (that step is the index's own), not this one.
    if (current !== status) await kv.dueSets.remove(setOf(status), id);
  };

  const fill = async () => {
    if ((await kv.get(BACKFILLED)) !== undefined) return;
    for (const id of await payments.ids()) {
      const status = (await payments.get(id))?.status ?? null;
      if (status !== null) await index(id, status);
    }
    await kv.set(BACKFILLED, JSON.stringify({ at: Date.now() }));
  };

  return {
    move(paymentId, from, to, at) {
      if (from === to) return [];
      const steps: StoreStep[] = [];
      if (from !== null) steps.push({ kind: "due-remove", place: { set: setOf(from), member: paymentId } });
      if (to !== null) steps.push({ kind: "due-add", place: { set: setOf(to), member: paymentId, dueAt: at } });
      return steps;
    },
    async counts() {
      const counted = await Promise.all(PSP_STATUSES.map((status) => kv.dueSets.count(setOf(status))));
      const counts: Partial<Record<PspStatus, number>> = {};
      PSP_STATUSES.forEach((status, i) => {
        if ((counted[i] ?? 0) > 0) counts[status] = counted[i];
      });
      return counts;
    },
    backfill() {
      backfilled ??= fill().catch((error: unknown) => {
        backfilled = undefined;
        throw error;
      });
      return backfilled;
    },
  };
}
