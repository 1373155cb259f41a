import type { SharedPace } from "./chat-pacing.ts";
import type { PspStatus } from "./gateway-port.ts";
import type {
  ButtonRecord,
  ChatRecord,
  ChoiceRecord,
  Delivery,
  LinkRequest,
  PaymentRecord,
  PersonRecord,
  ScheduleEntry,
  SlotRecord,
} from "./records.ts";

/** The outcome of a conditional update: whether this call's change was written, and the value now stored. */
export type UpdateResult<T> =
  | { readonly applied: true; readonly value: T }
  | { readonly applied: false; readonly value: T | undefined };

/**
 * A collection of JSON records by id, with the atomic operations exactly-once needs. src/store implements it on
 * memory, SQLite and Redis; `create` and `update` are atomic on every backend and across replicas.
 */
export interface Collection<T> {
  /** Steps on this collection's records that commit with another record's change (PairedCollection.updateAlong). */
  readonly along: Along<T>;
  get(id: string): Promise<T | undefined>;
  put(id: string, value: T): Promise<void>;
  /** Writes only if absent: true when this call created it (claims, dedup). */
  create(id: string, value: T): Promise<boolean>;
  /**
   * Reads, applies `change`, and writes only if nobody wrote in between (retrying on a conflict with the fresh
   * value). `change` returns undefined to leave the record as it is (the claim is lost, the state moved on).
   */
  update(id: string, change: (current: T) => T | undefined): Promise<UpdateResult<T>>;
  delete(id: string): Promise<void>;
  /** Deletes only if the stored record still satisfies `predicate`. */
  deleteIf(id: string, predicate: (current: T) => boolean): Promise<boolean>;
  /** Every id in the collection (lists the store's keys: for tools and rare passes, not for work lists). */
  ids(): Promise<string[]>;
}

/** A record's place in a due set (the outbox's pending list): the set, its member, and when it is due. */
export interface DuePlace {
  readonly set: string;
  readonly member: string;
  readonly dueAt: number;
}

/**
 * One write that goes with a record's change, in the same atomic step (`PairedCollection.updateAlong`): made by a
 * collection's `along` (or the in-flight marks'), never by hand, so that its key is the collection's own.
 */
export type StoreStep =
  /** Writes the record only if absent and, only when it wrote, puts its place in its set. */
  | {
      readonly kind: "create";
      readonly key: string;
      readonly value: string;
      readonly ttlMs: number | undefined;
      readonly place?: DuePlace;
    }
  /**
   * Deletes the record (only while it is what `only` says, when given) and then takes its place out of its set (an
   * unconditional delete always does, even of an absent record).
   */
  | {
      readonly kind: "delete";
      readonly key: string;
      readonly only?: DeleteOnly;
      readonly place?: Omit<DuePlace, "dueAt">;
    }
  /** Writes the record whatever is stored (a value only its writer keeps: a chat's pace, a delivery marked sent). */
  | { readonly kind: "put"; readonly key: string; readonly value: string; readonly ttlMs: number | undefined }
  | { readonly kind: "due-add"; readonly place: DuePlace }
  | { readonly kind: "due-remove"; readonly place: Omit<DuePlace, "dueAt"> };

/**
 * What a conditional delete step requires of the record: to be `value` (a record kept without expiry, whose stored
 * text is fixed), or the version `token` names (one this process wrote or read: a lease it holds). Each backend
 * turns a value into its own version token, so both are one compare.
 */
export type DeleteOnly = { readonly value: string } | { readonly token: string };

/** The steps a collection makes for its records, to be committed along with another record's change. */
export interface Along<T> {
  /** The record created if absent (with its place in a due set, when given). */
  create(id: string, value: T, place?: DuePlace): StoreStep;
  /** The record deleted (and its place taken out of its set, when given). */
  delete(id: string, place?: Omit<DuePlace, "dueAt">): StoreStep;
  /**
   * The record deleted only while it is `value` (records kept without expiry only: their stored text is fixed), and
   * then its place taken out of its set, when given.
   */
  deleteIfEquals(id: string, value: T, place?: Omit<DuePlace, "dueAt">): StoreStep;
}

/** Steps on records kept by key alone (no index of their own to keep in step): a paired collection's. */
export interface RecordAlong<T> extends Along<T> {
  /** The record written as `value`, whatever is stored. */
  put(id: string, value: T): StoreStep;
  /**
   * The record deleted only while it is still the version this process last wrote or read of it; undefined when
   * no version is known here (the caller deletes it on its own then).
   */
  deleteKnown(id: string): StoreStep | undefined;
}

/** What a committed change stored along with it: for each `create` step, in order, whether it wrote. */
export type AlongResult<T> = UpdateResult<T> & { readonly created?: readonly boolean[] };

/** A collection whose records are written together with other records and due-set members, in one atomic step. */
export interface PairedCollection<T> extends Collection<T> {
  readonly along: RecordAlong<T>;
  /** `create`, and in the same atomic step (only when the record is written) its place put in its set. */
  createWith(id: string, value: T, place: DuePlace): Promise<boolean>;
  /**
   * `update`, and in the same atomic step as its write the steps `along` makes for the change (run again for each
   * try, since a lost compare-and-set is tried again on the fresh record): the views a payment's change calls
   * for, its in-flight mark, what its end settles. A kill leaves all of it or none.
   */
  updateAlong(
    id: string,
    change: (current: T) => T | undefined,
    along: (next: T, current: T) => Promise<readonly StoreStep[]>,
  ): Promise<AlongResult<T>>;
}

/**
 * Payments a process is working on: marked in the same step as a change after which work goes on (a flow under
 * way, a household's part of settling), and cleared once the payment rests with nothing more to do. What the
 * reconciler's recovery takes over after a kill; kept in a due set, so that recovery (every second, on every
 * replica) reads the marks and not the store's keys.
 */
export interface InFlightMarks {
  /** The due set the marks are in. */
  readonly set: string;
  /** A marking written along with a change (`PairedCollection.updateAlong`), and the mark taken out with one. */
  readonly along: { mark(paymentId: string, stamp: number): StoreStep; clear(paymentId: string): StoreStep };
  /** A new marking's stamp (its due time in the set), unique enough that no other marking presents it. */
  stamp(): number;
  /** Marks the payment; resolves to this marking's stamp, which `clear` presents. */
  mark(paymentId: string): Promise<number>;
  /** Clears the mark while it is still the one `stamp` made (a marking since keeps it); with no stamp, any mark. */
  clear(paymentId: string, stamp?: number): Promise<void>;
  /** Marked payments, at most `limit`. */
  ids(limit?: number): Promise<string[]>;
}

/**
 * The payments whose form DropPay has, by the form's status: one of the backend's due sets per status, each payment
 * a member of its status's set. A change of status moves the payment in the same step as the change's write, so
 * counting the forms of a status (the /metrics gauge) reads one number per status, never every payment.
 */
export interface FormsByStatus {
  /** The steps that move a payment from one status's set to the other's (null: no form, in no set). */
  move(paymentId: string, from: PspStatus | null, to: PspStatus | null, at: number): StoreStep[];
  /** How many forms each status has (statuses with none are left out). */
  counts(): Promise<Partial<Record<PspStatus, number>>>;
  /**
   * Puts the payments written before this index existed in it, once per store (later calls only read a marker):
   * lists the payments' keys. Safe beside changes made meanwhile (a payment that moved is taken out again).
   */
  backfill(): Promise<void>;
}

/**
 * The outbox's pending list: the ids of deliveries not yet sent, in a due set by when each was queued, so the list
 * is read without listing the store (a Redis sorted set, an indexed SQLite table).
 */
export interface PendingDeliveries {
  /** The due set they are in (a delivery and its place there are written in one step: PairedCollection). */
  readonly set: string;
  /** Up to `limit` pending ids, those queued longest ago first. */
  ids(limit?: number): Promise<string[]>;
  /** Takes an id off the list (its delivery is gone, or was sent). */
  remove(id: string): Promise<void>;
}

/**
 * A collection whose records are also kept by when they are due (the reconciler's schedule, the reminders), so
 * what is due is read without reading the rest. Each write keeps the index in step.
 */
export interface DueCollection<T> extends Collection<T> {
  /** Up to `limit` records due by `now` (soonest first), read-only. */
  dueBy(now: number, limit: number): Promise<{ readonly id: string; readonly value: T }[]>;
  /**
   * Takes up to `limit` records due by `now` for this caller alone, for `leaseMs`: no other caller (replica) gets
   * them until the lease runs out, when one that died while handling them is taken over. The caller then writes
   * the record (a new due time, or done), which moves or drops it in the index.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<{ readonly id: string; readonly value: T }[]>;
  /** Reads a record and puts it in the index if it was written before the index existed (else leaves it). */
  reindex(id: string): Promise<T | undefined>;
}

/** Everything the engine persists. */
export interface EngineStore {
  /**
   * Steps the collections made, written as one atomic step with no record's change to condition them (what
   * settling a payment removes, when recovery settles it).
   */
  apply(steps: readonly StoreStep[]): Promise<void>;
  readonly payments: PairedCollection<PaymentRecord>;
  /** `chat|rptId` → the open payment for that notice in that chat (one open payment per notice per chat). */
  readonly openNotices: Collection<{ readonly paymentId: string }>;
  readonly buttons: Collection<ButtonRecord>;
  readonly choices: Collection<ChoiceRecord>;
  readonly chats: Collection<ChatRecord>;
  readonly people: Collection<PersonRecord>;
  readonly linkRequests: Collection<LinkRequest>;
  /** Platform event ids already handled (redeliveries are ignored). */
  readonly events: Collection<{ readonly at: number }>;
  readonly outbox: PairedCollection<Delivery>;
  /** Ids of deliveries not yet sent (the outbox's work list, read again after a restart). */
  readonly pendingDeliveries: PendingDeliveries;
  readonly slots: PairedCollection<SlotRecord>;
  /**
   * Short-lived leases (seconds), renewed by their live holder: a delivery being sent, a payment's flow being
   * run. A holder that dies stops renewing, and the lease is free for a takeover within seconds.
   */
  readonly leases: PairedCollection<{ readonly owner: string }>;
  /** A chat's pacing buckets as the last holder of its lease left them (src/engine/chat-pacing.ts). */
  readonly chatPaces: PairedCollection<SharedPace>;
  /** Payments by their form's status (what the forms gauge counts). */
  readonly formsByStatus: FormsByStatus;
  /** The reconciler's re-reads, by `kind:id`, indexed by `dueAt`. */
  readonly schedule: DueCollection<ScheduleEntry>;
  /** Payments a process is working on: what recovery looks at after a crash, a few members, never every form. */
  readonly inflight: InFlightMarks;
}
