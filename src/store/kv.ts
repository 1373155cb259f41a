import type { StoreStep } from "../engine/store-port.ts";

/**
 * The storage port under every repository: a key-value store with the few atomic operations pagobot's
 * exactly-once rules need (set-if-absent for claims and dedup, compare-and-set for state changes). Each backend
 * (memory, SQLite, Redis) implements them natively, so they hold across replicas that share the backend.
 *
 * One store object applies the calls made on it in the order they were made, even when a call is made before the
 * one before it has answered: memory runs each at once, SQLite runs a turn's calls in order in one transaction,
 * Redis runs one connection's commands in the order sent. Callers rely on it to send dependent steps together in
 * one round trip (a mark before the write it covers, reads that must follow a claim); a kill then leaves a prefix
 * of them done, never a later step without an earlier one. One exception: a compare-and-set or compare-and-delete
 * (a script on Redis) that Redis no longer knows (after a restart or a failover) is sent again after the calls
 * made behind it. So only plain writes (set, setIfAbsent, delete) go ahead of a dependent step in one round trip;
 * a step that must follow a conditional write waits for its answer.
 */

/** One stored value as read: its text, and the token a compare-and-set must present to replace it. */
export interface StoredValue {
  readonly value: string;
  readonly token: string;
}

export interface AtomicKv {
  /** Reads a value; an expired one reads as absent. */
  get(key: string): Promise<StoredValue | undefined>;
  /**
   * Writes a value unconditionally; `ttlMs` makes it expire. Every write resolves to the token of what it wrote, so
   * that the writer can change or delete it next without reading it back (one store round trip instead of two).
   */
  set(key: string, value: string, ttlMs?: number): Promise<string>;
  /** Writes only when the key is absent (or expired): the new value's token, or null when it was there. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<string | null>;
  /** Replaces the value only if it is still the one `token` was read from: the new token, or null. */
  compareAndSet(key: string, token: string, value: string, ttlMs?: number): Promise<string | null>;
  /** Deletes only if the value is still the one `token` was read from. */
  compareAndDelete(key: string, token: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix` (expired ones may be listed; `get` tells). */
  keys(prefix: string): Promise<string[]>;
  /**
   * Sets of members ordered by a due time, native to the backend (a Redis sorted set, an indexed SQLite table, a
   * sorted array in memory): what is due, or waiting, is read without listing the store's keys.
   */
  readonly dueSets: DueSets;
  /**
   * A compare-and-set and, only when it wrote, every step of `steps` in order, as one atomic step (one Lua script,
   * one SQLite transaction, one synchronous step in memory): a record's change and what goes with it (other records
   * created, put or deleted, due-set members moved). No other caller sees part of it, and a kill leaves all or none.
   * Resolves to null when the compare failed (nothing written), else to the new token and what the `create` steps
   * wrote.
   */
  commit(change: GuardedWrite, steps: readonly StoreStep[]): Promise<Committed | null>;
  /**
   * `steps` alone as one atomic step, with no compare-and-set to condition them (a delivery and its place on the
   * pending list, what settling a payment deletes): for each `create` step in order, the token of what it wrote,
   * or null where the key was taken.
   */
  apply(steps: readonly StoreStep[]): Promise<readonly (string | null)[]>;
  close(): Promise<void>;
}

/** The compare-and-set a commit is conditioned on. */
export interface GuardedWrite {
  readonly key: string;
  readonly token: string;
  readonly value: string;
  readonly ttlMs: number | undefined;
}

/** What a commit wrote: the guarded record's new token and, for each `create` step in order, its token or null. */
export interface Committed {
  readonly token: string;
  readonly created: readonly (string | null)[];
}

/**
 * Members (record ids) by due time, in named sets. `claim` is the one atomic step a replica takes before handling
 * what is due: it moves the members it returns to `leaseUntil`, so no other replica sees them due until then; a
 * replica that dies while handling one leaves it to be claimed again once the lease has run out.
 */
export interface DueSets {
  /** Puts `member` at `dueAt` (moving it when already there; left where it is with `onlyIfAbsent`). */
  add(set: string, member: string, dueAt: number, onlyIfAbsent?: boolean): Promise<void>;
  remove(set: string, member: string): Promise<void>;
  /** Removes `member` only while its due time is still `dueAt` (one atomic step); true when it did. */
  removeIf(set: string, member: string, dueAt: number): Promise<boolean>;
  /** How many members the set has. */
  count(set: string): Promise<number>;
  /** Up to `limit` members due by `now`, soonest first, without claiming them. */
  due(set: string, now: number, limit: number): Promise<string[]>;
  /** Atomically takes up to `limit` members due by `now`, soonest first, and moves them to `leaseUntil`. */
  claim(set: string, now: number, leaseUntil: number, limit: number): Promise<string[]>;
}
