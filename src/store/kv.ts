/**
 * The storage port under every repository: a key-value store with the few atomic operations pagobot's
 * exactly-once rules need (set-if-absent for claims and dedup, compare-and-set for state changes). Each backend
 * (memory, SQLite, Redis) implements them natively, so they hold across replicas that share the backend.
 */

/** One stored value as read: its text, and the token a compare-and-set must present to replace it. */
export interface StoredValue {
  readonly value: string;
  readonly token: string;
}

export interface AtomicKv {
  /** Reads a value; an expired one reads as absent. */
  get(key: string): Promise<StoredValue | undefined>;
  /** Writes a value unconditionally; `ttlMs` makes it expire. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Writes only when the key is absent (or expired); true when this call wrote it. */
  setIfAbsent(key: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Replaces the value only if it is still the one `token` was read from; true when this call replaced it. */
  compareAndSet(key: string, token: string, value: string, ttlMs?: number): Promise<boolean>;
  /** Deletes only if the value is still the one `token` was read from. */
  compareAndDelete(key: string, token: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix` (expired ones may be listed; `get` tells). */
  keys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}
