import type { Clock } from "../engine/clock.ts";
import type { Cents } from "../notice/money.ts";
import { err, ok, type Result } from "../notice/result.ts";
import { type FamilyError, familyError } from "./errors.ts";
import { memberOf } from "./household.ts";
import { romeMonth } from "./rome-time.ts";
import type { FamilyStore, MonthlySpend, ReservationRecord } from "./store.ts";

/**
 * Members' monthly caps as reservations. A member paying alone first reserves the payment's total on their
 * month's record (Europe/Rome month: it resets at midnight of the 1st, Italian time); the reservation succeeds
 * only if what is paid plus what is reserved plus this amount stays within the cap. The check and the write are
 * one compare-and-set on that record, so two notices at once, from two replicas, can never both slip under it.
 * PAID commits the reservation, FAILED or a cancel releases it; each step is idempotent by payment id.
 *
 * A payment keeps the month it was reserved in: a payment reserved on the 31st and PAID on the 1st counts in the
 * month the member decided it.
 */

export interface ReserveRequest {
  readonly householdId: string;
  readonly memberId: string;
  readonly paymentId: string;
  readonly amountCents: Cents;
}

export interface MonthTotal {
  readonly month: string;
  readonly committedCents: Cents;
  readonly reservedCents: Cents;
  readonly capCents: Cents;
  /** What the member may still pay alone this month. */
  readonly remainingCents: Cents;
}

export type Refusal = { readonly error: FamilyError; readonly remainingCents: Cents };

export interface Caps {
  /** Holds `amountCents` against the member's cap this month; refused (cap_exceeded) when it would go over. */
  reserve(request: ReserveRequest): Promise<Result<ReservationRecord, Refusal>>;
  /** The payment was PAID: its reservation becomes spent. */
  commit(paymentId: string): Promise<void>;
  /** The payment FAILED or was cancelled: its reservation is given back. A committed one stays spent. */
  release(paymentId: string): Promise<void>;
  /** The member's month so far (for /famiglia and the card). */
  monthTotal(householdId: string, memberId: string): Promise<MonthTotal>;
}

const sum = (entries: Readonly<Record<string, number>>) => Object.values(entries).reduce((a, b) => a + b, 0);
const spendKey = (householdId: string, memberId: string, month: string) => `${householdId}|${memberId}|${month}`;
const emptyMonth = (month: string): MonthlySpend => ({ month, committed: {}, reserved: {} });

export function createCaps(store: FamilyStore, clock: Clock): Caps {
  /** Changes a month's record atomically, creating it first when absent. */
  const changeMonth = async (key: string, month: string, change: (s: MonthlySpend) => MonthlySpend | undefined) => {
    for (;;) {
      const result = await store.spend.update(key, change);
      if (result.applied || result.value !== undefined) return result;
      const initial = change(emptyMonth(month));
      if (initial === undefined) return { applied: false as const, value: emptyMonth(month) };
      if (await store.spend.create(key, initial)) return { applied: true as const, value: initial };
    }
  };

  const capOf = async (householdId: string, memberId: string): Promise<Cents> => {
    const household = await store.households.get(householdId);
    return household === undefined ? (0 as Cents) : (memberOf(household, memberId)?.capCents ?? (0 as Cents));
  };

  return {
    async reserve(request) {
      const { householdId, memberId, paymentId, amountCents } = request;
      const month = romeMonth(clock.now());
      const pointer: ReservationRecord = {
        paymentId,
        householdId,
        memberId,
        month,
        amountCents,
        state: "reserved",
        at: clock.now(),
      };
      // The pointer first: a crash after it leaves a pointer that release() cleans, never a hold nobody finds.
      let hold = pointer;
      if (!(await store.reservations.create(paymentId, pointer))) {
        const again = await store.reservations.update(paymentId, (cur) =>
          cur.state === "released" ? pointer : undefined,
        );
        // Reserved or committed already (a repeated press, a retry, the same press on two replicas): that
        // reservation stands, in its own month; the step below holds it if the first caller has not yet.
        if (again.value !== undefined) hold = again.value;
        else await store.reservations.put(paymentId, pointer);
      }
      const cap = await capOf(householdId, memberId);
      let remaining = 0;
      const key = spendKey(householdId, memberId, hold.month);
      const result = await changeMonth(key, hold.month, (s) => {
        if (paymentId in s.reserved || paymentId in s.committed) return undefined;
        remaining = cap - sum(s.committed) - sum(s.reserved);
        if (hold.amountCents > remaining) return undefined;
        return { ...s, reserved: { ...s.reserved, [paymentId]: hold.amountCents } };
      });
      const held =
        result.value !== undefined && (paymentId in result.value.reserved || paymentId in result.value.committed);
      if (result.applied || held) return ok(hold);
      await store.reservations.deleteIf(paymentId, (cur) => cur.state === "reserved" && cur.at === hold.at);
      return err({
        error: familyError("cap_exceeded", "the amount would go over the member's monthly cap"),
        remainingCents: Math.max(0, remaining) as Cents,
      });
    },

    async commit(paymentId) {
      const pointer = await store.reservations.get(paymentId);
      if (pointer === undefined || pointer.state === "committed") return;
      const key = spendKey(pointer.householdId, pointer.memberId, pointer.month);
      await changeMonth(key, pointer.month, (s) => {
        if (paymentId in s.committed) return undefined;
        const { [paymentId]: held, ...reserved } = s.reserved;
        // Paid even if the hold was lost (released after a timeout, then PAID late): it counts as spent.
        return { ...s, reserved, committed: { ...s.committed, [paymentId]: held ?? pointer.amountCents } };
      });
      await store.reservations.update(paymentId, (cur) =>
        cur.state === "committed" ? undefined : { ...cur, state: "committed" },
      );
    },

    async release(paymentId) {
      const pointer = await store.reservations.get(paymentId);
      if (pointer === undefined || pointer.state !== "reserved") return;
      const key = spendKey(pointer.householdId, pointer.memberId, pointer.month);
      await store.spend.update(key, (s) => {
        if (!(paymentId in s.reserved)) return undefined;
        const { [paymentId]: _released, ...reserved } = s.reserved;
        return { ...s, reserved };
      });
      await store.reservations.update(paymentId, (cur) =>
        cur.state === "reserved" ? { ...cur, state: "released" } : undefined,
      );
    },

    async monthTotal(householdId, memberId) {
      const month = romeMonth(clock.now());
      const spend = (await store.spend.get(spendKey(householdId, memberId, month))) ?? emptyMonth(month);
      const cap = await capOf(householdId, memberId);
      const committed = sum(spend.committed);
      const reserved = sum(spend.reserved);
      return {
        month,
        committedCents: committed as Cents,
        reservedCents: reserved as Cents,
        capCents: cap,
        remainingCents: Math.max(0, cap - committed - reserved) as Cents,
      };
    },
  };
}
