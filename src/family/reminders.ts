import type { Clock } from "../engine/clock.ts";
import { addDays, romeDay, romeInstant } from "./rome-time.ts";
import { type FamilyStore, type NoticeReminders, noticeKey, type Reminder, type ReminderKind } from "./store.ts";

/**
 * Reminders for an unpaid notice with a due date: at 09:00 Italian time seven days before, the day before, and
 * on the day. They are stored like deliveries: fixed ids (scheduling twice stores each once), a claim per
 * reminder before it is sent (two engines sharing the store send it once), and a state that survives restarts.
 * The store keeps them by when they fire (a due index): a pass reads only the reminders due, never every one.
 */

export const REMINDER_HOUR = 9;
/** How many due reminders one read of the due index takes. */
const DUE_BATCH = 100;

const OFFSETS: readonly { readonly kind: ReminderKind; readonly daysBefore: number }[] = [
  { kind: "d7", daysBefore: 7 },
  { kind: "d1", daysBefore: 1 },
  { kind: "d0", daysBefore: 0 },
];

export interface ReminderTarget {
  readonly householdId: string;
  readonly rptId: string;
  readonly paymentId: string;
  /** YYYY-MM-DD. */
  readonly dueDate: string;
}

export interface RemindersOptions {
  /** Distinguishes this replica's claims from another's. */
  readonly replicaId: string;
  /**
   * How many past days `dueReminders` looks back: reminders missed while every replica was down for longer are
   * not sent late (a week-old "due in 7 days" helps nobody).
   */
  readonly catchUpDays?: number;
  /** A claim older than this is taken to belong to a replica that died while sending. */
  readonly leaseMs?: number;
  /** A send that threw (the reminder stays claimed until the lease ends, then is tried again): for the log. */
  readonly onSendError?: (reminder: Reminder, error: unknown) => void;
}

/** What sending a reminder led to: sent, or skipped because the notice no longer needs it (paid, closed). */
export type SendOutcome = "sent" | "skipped";

export interface Reminders {
  /**
   * Schedules the notice's reminders whose time is still ahead; a new due date replaces the old one's
   * reminders. Returns the reminders now scheduled for the notice.
   */
  schedule(target: ReminderTarget): Promise<readonly Reminder[]>;
  /** Reminders due at `now` not yet sent (read-only: a replica claims one before sending it). */
  dueReminders(now: number): Promise<readonly Reminder[]>;
  /** Claims a due reminder for this replica; true for exactly one caller across replicas. */
  claim(id: string, now: number): Promise<Reminder | undefined>;
  /** Marks a claimed reminder done (sent or skipped) and drops it from its day's index. */
  finish(id: string, now: number): Promise<void>;
  /**
   * Sends every due reminder once: claim, `send` (which must be idempotent by the reminder's id, e.g. an outbox
   * delivery with the id `reminder:<id>`, since a replica dying mid-send leaves it to be sent again), finish.
   */
  fireDue(now: number, send: (reminder: Reminder) => Promise<SendOutcome>): Promise<readonly Reminder[]>;
  /** "Non ricordarmelo", or the notice was paid: cancels the notice's reminders not yet sent. */
  cancel(householdId: string, rptId: string, now: number): Promise<number>;
  forNotice(householdId: string, rptId: string): Promise<readonly Reminder[]>;
  /**
   * Upgrades reminders stored before the due index (listed by day bucket, absent from the index): each one not
   * yet done goes into the index, then its day's bucket is deleted. Run at start-up; a store without buckets
   * costs one key listing. Returns how many reminders it indexed.
   */
  adoptDayBuckets(): Promise<number>;
}

export function reminderId(target: Pick<ReminderTarget, "householdId" | "rptId" | "dueDate">, kind: ReminderKind) {
  return `${noticeKey(target.householdId, target.rptId)}|${target.dueDate}|${kind}`;
}

export function createReminders(store: FamilyStore, clock: Clock, options: RemindersOptions): Reminders {
  const catchUpDays = options.catchUpDays ?? 8;
  // Sending a reminder only queues it in the outbox (store writes, no network), so a batch is sent in seconds: a
  // minute covers it, and a replica that dies mid-batch delays its reminders on the others by at most that.
  const leaseMs = options.leaseMs ?? 60_000;

  /** Ends a reminder (fired, cancelled, missed) if it is still in `from`; true when this call ended it. */
  const end = async (
    id: string,
    state: "fired" | "cancelled" | "missed",
    now: number,
    from: (r: Reminder) => boolean,
  ) => {
    // An ended reminder is no longer due: the store drops it from the due index with this write.
    const result = await store.reminders.update(id, (r) => (from(r) ? { ...r, state, doneAt: now } : undefined));
    return result.applied;
  };
  /** Older than the catch-up window: every replica was down when it was due, and it is not sent late. */
  const tooLate = (r: Reminder, now: number) => r.bucket < addDays(romeDay(now), -catchUpDays);

  const isClaimable = (r: Reminder, now: number) =>
    r.fireAt <= now && (r.state === "scheduled" || (r.state === "firing" && (r.claimedAt ?? 0) + leaseMs <= now));

  /** Claims and sends the reminders of one batch from the due index; returns those sent. */
  const fireBatch = async (
    batch: readonly Reminder[],
    now: number,
    send: (reminder: Reminder) => Promise<SendOutcome>,
  ): Promise<Reminder[]> => {
    const due: Reminder[] = [];
    for (const r of batch) {
      if (tooLate(r, now)) await end(r.id, "missed", now, (x) => x.state === "scheduled");
      else due.push(r);
    }
    due.sort((a, b) => a.fireAt - b.fireAt);
    // After a long stop several reminders of one notice may be due at once: only the latest one is worth sending.
    const latest = new Map<string, Reminder>();
    for (const r of due) latest.set(`${noticeKey(r.householdId, r.rptId)}|${r.dueDate}`, r);
    const done: Reminder[] = [];
    for (const candidate of due) {
      // The reminder's own claim: a replica still sending it (its claim not yet run out) keeps it.
      const claimed = await api.claim(candidate.id, now);
      if (claimed === undefined) continue;
      const superseded =
        latest.get(`${noticeKey(claimed.householdId, claimed.rptId)}|${claimed.dueDate}`) !== candidate;
      if (!superseded) {
        // A failed send keeps the claim: after the lease another pass (or replica) tries again.
        const outcome = await send(claimed).catch((error: unknown) => {
          options.onSendError?.(claimed, error);
          return "failed" as const;
        });
        if (outcome === "failed") continue;
        if (outcome === "sent") done.push(claimed);
      }
      await api.finish(claimed.id, now);
    }
    return done;
  };

  const api: Reminders = {
    async schedule(target) {
      const now = clock.now();
      const key = noticeKey(target.householdId, target.rptId);
      const previous = await store.noticeReminders.get(key);
      if (previous !== undefined && previous.dueDate !== target.dueDate)
        await api.cancel(target.householdId, target.rptId, now);
      const created: Reminder[] = [];
      for (const { kind, daysBefore } of OFFSETS) {
        const day = addDays(target.dueDate, -daysBefore);
        const fireAt = romeInstant(day, REMINDER_HOUR);
        if (fireAt <= now) continue;
        const reminder: Reminder = {
          id: reminderId(target, kind),
          householdId: target.householdId,
          rptId: target.rptId,
          paymentId: target.paymentId,
          dueDate: target.dueDate,
          kind,
          fireAt,
          bucket: romeDay(fireAt),
          state: "scheduled",
          claimedBy: null,
          claimedAt: null,
          doneAt: null,
        };
        const existing = await store.reminders.get(reminder.id);
        if (existing !== undefined) {
          // Scheduled before (a restart, another replica): kept as it stands, even if cancelled or sent.
          created.push(existing);
          continue;
        }
        // Indexed by its time as it is created (the store writes the index first: a crash leaves no reminder unread).
        await store.reminders.create(reminder.id, reminder);
        created.push(reminder);
      }
      const index: NoticeReminders = { dueDate: target.dueDate, ids: created.map((r) => r.id) };
      await store.noticeReminders.put(key, index);
      return api.forNotice(target.householdId, target.rptId);
    },

    async dueReminders(now) {
      // Only what the due index says is due: never every reminder, nor every day's.
      const due = (await store.reminders.dueBy(now, DUE_BATCH)).map((d) => d.value);
      return due.filter((r) => isClaimable(r, now) && !tooLate(r, now)).sort((a, b) => a.fireAt - b.fireAt);
    },

    async claim(id, now) {
      const result = await store.reminders.update(id, (r) =>
        isClaimable(r, now) ? { ...r, state: "firing", claimedBy: options.replicaId, claimedAt: now } : undefined,
      );
      return result.applied ? result.value : undefined;
    },

    async finish(id, now) {
      await end(id, "fired", now, (r) => r.state === "firing" && r.claimedBy === options.replicaId);
    },

    async fireDue(now, send) {
      const done: Reminder[] = [];
      for (;;) {
        // Taken for this replica for the lease: another replica reads them due again only if this one dies.
        const batch = await store.reminders.claimDue(now, DUE_BATCH, leaseMs);
        done.push(
          ...(await fireBatch(
            batch.map((d) => d.value),
            now,
            send,
          )),
        );
        if (batch.length < DUE_BATCH) return done;
      }
    },

    async cancel(householdId, rptId, now) {
      const index = await store.noticeReminders.get(noticeKey(householdId, rptId));
      let cancelled = 0;
      for (const id of index?.ids ?? []) {
        if (await end(id, "cancelled", now, (r) => r.state === "scheduled")) cancelled++;
      }
      return cancelled;
    },

    async forNotice(householdId, rptId) {
      const index = await store.noticeReminders.get(noticeKey(householdId, rptId));
      const found: Reminder[] = [];
      for (const id of index?.ids ?? []) {
        const reminder = await store.reminders.get(id);
        if (reminder !== undefined) found.push(reminder);
      }
      return found;
    },

    async adoptDayBuckets() {
      let indexed = 0;
      for (const day of await store.reminderDays.ids()) {
        const bucket = await store.reminderDays.get(day);
        for (const id of bucket?.ids ?? []) {
          // Indexed by its own time if it is still to send (reindex leaves a reminder already in the index alone,
          // and one fired or cancelled out); a crash before the bucket goes repeats this harmlessly.
          const reminder = await store.reminders.reindex(id);
          if (reminder !== undefined && (reminder.state === "scheduled" || reminder.state === "firing")) indexed++;
        }
        await store.reminderDays.delete(day);
      }
      return indexed;
    },
  };
  return api;
}
