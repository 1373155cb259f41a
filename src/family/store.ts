import type { Collection, DueCollection } from "../engine/store-port.ts";
import { createCollection } from "../store/collection.ts";
import { createDueCollection } from "../store/due-collection.ts";
import type { AtomicKv } from "../store/kv.ts";
import type { Household } from "./household.ts";

/**
 * Everything the family domain keeps, as collections over the same AtomicKv the engine uses (so the same backend,
 * and the same atomicity across replicas). Each area has its own key prefix, none shared with the engine's.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

/** A member's spending in one Italian calendar month: each payment's cents by its id, so every step is idempotent. */
export interface MonthlySpend {
  readonly month: string;
  /** Payments that reached PAID. */
  readonly committed: Readonly<Record<string, number>>;
  /** Payments under way: held against the cap until PAID (committed) or FAILED/cancelled (released). */
  readonly reserved: Readonly<Record<string, number>>;
}

/** Where a payment's reservation lives, so that PAID or FAILED can find it by the payment's id alone. */
export interface ReservationRecord {
  readonly paymentId: string;
  readonly householdId: string;
  readonly memberId: string;
  readonly month: string;
  readonly amountCents: number;
  readonly state: "reserved" | "committed" | "released";
  readonly at: number;
}

/** Who is paying a notice in a household (one payment per notice per household). */
export interface NoticeClaim {
  readonly householdId: string;
  readonly rptId: string;
  readonly paymentId: string;
  readonly userId: string;
  readonly name: string;
  readonly at: number;
}

export type ReminderKind = "d7" | "d1" | "d0";

export interface Reminder {
  /** Fixed: `<household>|<rptId>|<due date>|<kind>`, so scheduling twice (or on two replicas) stores it once. */
  readonly id: string;
  readonly householdId: string;
  readonly rptId: string;
  readonly paymentId: string;
  readonly dueDate: string;
  readonly kind: ReminderKind;
  /** When it fires (09:00 in Rome on its day). */
  readonly fireAt: number;
  /** The Rome calendar day of fireAt (how far back a late pass still sends it). */
  readonly bucket: string;
  /** `missed`: every replica was down past the catch-up window when it was due, so it was not sent late. */
  readonly state: "scheduled" | "firing" | "fired" | "cancelled" | "missed";
  /** The replica that claimed it, and when (a claim older than the lease may be taken over after a crash). */
  readonly claimedBy: string | null;
  readonly claimedAt: number | null;
  readonly doneAt: number | null;
}

/** A notice's reminders: its due date and the ids scheduled for it (what "Non ricordarmelo" cancels). */
export interface NoticeReminders {
  readonly dueDate: string;
  readonly ids: readonly string[];
}

export interface FamilyStore {
  /** By chat key. */
  readonly households: Collection<Household>;
  /** By `household|member|YYYY-MM`. */
  readonly spend: Collection<MonthlySpend>;
  /** By payment id. */
  readonly reservations: Collection<ReservationRecord>;
  /** By `household|rptId`. */
  readonly noticeClaims: Collection<NoticeClaim>;
  /** Indexed by fireAt while scheduled or being sent (src/store's due index). */
  readonly reminders: DueCollection<Reminder>;
  /** By `household|rptId`. */
  readonly noticeReminders: Collection<NoticeReminders>;
  /**
   * The layout before the due index: by Rome day (YYYY-MM-DD), the ids of reminders firing that day not yet done.
   * Nothing writes it any more; start-up indexes what it lists once and deletes it (`adoptDayBuckets`).
   */
  readonly reminderDays: Collection<{ readonly ids: readonly string[] }>;
}

export const familyAreas = {
  households: { area: "family-household" },
  // Kept a little over a year: /storico and a dispute about last month's cap need them; older months nobody reads.
  spend: { area: "family-spend", ttlMs: 400 * DAY_MS },
  reservations: { area: "family-reservation", ttlMs: 400 * DAY_MS },
  noticeClaims: { area: "family-notice" },
  reminders: { area: "family-reminder", ttlMs: 120 * DAY_MS },
  noticeReminders: { area: "family-notice-reminders", ttlMs: 120 * DAY_MS },
  reminderDays: { area: "family-reminder-day", ttlMs: 120 * DAY_MS },
} as const satisfies Record<keyof FamilyStore, { area: string; ttlMs?: number }>;

/** When a reminder is due: its time while it is scheduled or being sent; none once it is over. */
const reminderDue = (r: Reminder): number | null => (r.state === "scheduled" || r.state === "firing" ? r.fireAt : null);

export function createFamilyStore(kv: AtomicKv): FamilyStore {
  const collection = <T>(name: keyof FamilyStore) => {
    const spec: { area: string; ttlMs?: number } = familyAreas[name];
    return createCollection<T>(kv, spec.area, spec.ttlMs);
  };
  return {
    households: collection("households"),
    spend: collection("spend"),
    reservations: collection("reservations"),
    noticeClaims: collection("noticeClaims"),
    reminders: createDueCollection<Reminder>(kv, familyAreas.reminders.area, reminderDue, familyAreas.reminders.ttlMs),
    noticeReminders: collection("noticeReminders"),
    reminderDays: collection("reminderDays"),
  };
}

/** The key of a notice in a household. */
export function noticeKey(householdId: string, rptId: string): string {
  return `${householdId}|${rptId}`;
}
