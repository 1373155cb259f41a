import type { AlongResult, PairedCollection, StoreStep } from "../engine/store-port.ts";
import type { AtomicKv, GuardedWrite, StoredValue } from "./kv.ts";

/** How many times an update re-reads after losing a compare-and-set race before giving up. */
const MAX_UPDATE_ATTEMPTS = 200;

/** Records per collection whose last known version is kept (the ones this process is working on). */
const RECENT_LIMIT = 256;

/** How long a version this process read (not wrote) is tried before reading again. */
const READ_KEPT_MS = 60_000;

/** A version known here is not tried this close to its expiry (a record that expired must not be written back). */
const EXPIRY_MARGIN_MS = 1_000;

/** A conditional update kept losing races (only under pathological contention). */
export class StoreConflictError extends Error {
  override readonly name = "StoreConflictError";
}

/** A record's version as this process last wrote or read it: its text and the token the store keeps it under. */
interface Known {
  readonly text: string;
  readonly token: string;
  /** Past this (epoch ms) the version is not tried any more. */
  readonly until: number;
}

/** What one try on a version gave: done (with the result), declined by the change, or lost to another writer. */
type Try<R> = { readonly done: R } | { readonly declined: R } | "lost";

/**
 * A typed collection of JSON records under `area:`; values live `ttlMs` after their last write when set. Every
 * conditional operation is one of the backend's atomic primitives.
 *
 * An update or a conditional delete of a record this process has just written or read first tries that version:
 * one compare-and-set (or compare-and-delete) instead of a read and a write. The store still decides: a version
 * another replica replaced fails the compare, and the record is read again. A refusal (the change declines) is
 * never decided on a remembered version, only on one read from the store; `get` always reads the store.
 */
export function createCollection<T>(kv: AtomicKv, area: string, ttlMs?: number): PairedCollection<T> {
  const key = (id: string) => `${area}:${id}`;
  const decode = (text: string) => JSON.parse(text) as T;
  const recent = new Map<string, Known>();

  const remember = (id: string, token: string, text: string, written: boolean) => {
    // A read record's age is unknown: short-lived records are remembered only as written here (a read of the
    // version written here keeps it, one of another version forgets it).
    if (!written && ttlMs !== undefined && ttlMs < READ_KEPT_MS) {
      if (recent.get(id)?.token !== token) recent.delete(id);
      return;
    }
    recent.delete(id);
    const now = Date.now();
    const lifetime = written ? (ttlMs ?? Number.POSITIVE_INFINITY) : Math.min(ttlMs ?? READ_KEPT_MS, READ_KEPT_MS);
    recent.set(id, { text, token, until: now + lifetime - EXPIRY_MARGIN_MS });
    if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as string);
  };
  const knownOf = (id: string): StoredValue | undefined => {
    const known = recent.get(id);
    if (known === undefined) return undefined;
    if (known.until <= Date.now()) {
      recent.delete(id);
      return undefined;
    }
    return { value: known.text, token: known.token };
  };
  const read = async (id: string): Promise<StoredValue | undefined> => {
    const stored = await kv.get(key(id));
    if (stored === undefined) recent.delete(id);
    else remember(id, stored.token, stored.value, false);
    return stored;
  };

  /**
   * Runs `attempt` on the version this process remembers, else on one read from the store, until it is done. A
   * change that declines a remembered version is tried again on the stored one (a refusal is only ever decided
   * there); a compare lost to another writer is tried again on a fresh read.
   */
  const onLatest = async <R>(
    id: string,
    absent: R,
    what: string,
    attempt: (stored: StoredValue) => Promise<Try<R>>,
  ): Promise<R> => {
    let stored = knownOf(id);
    let remembered = stored !== undefined;
    for (let i = 0; i < MAX_UPDATE_ATTEMPTS; i++) {
      if (stored === undefined) {
        stored = await read(id);
        remembered = false;
        if (stored === undefined) return absent;
      }
      const outcome = await attempt(stored);
      if (outcome === "lost") recent.delete(id);
      else if ("done" in outcome) return outcome.done;
      else if (!remembered) return outcome.declined;
      stored = undefined;
    }
    throw new StoreConflictError(`${area}: ${what} kept conflicting`);
  };

  /**
   * An update whose compare-and-set is `write`: the plain one, or a commit with the steps that go with the change.
   * `write` answers the new token and, for a commit, whether each create step wrote; null when the compare failed.
   */
  const updateBy = (
    id: string,
    change: (current: T) => T | undefined,
    write: (guard: GuardedWrite, next: T, current: T) => Promise<{ token: string; created?: boolean[] } | null>,
  ): Promise<AlongResult<T>> =>
    onLatest<AlongResult<T>>(id, { applied: false, value: undefined }, "update", async (stored) => {
      const current = decode(stored.value);
      const next = change(current);
      if (next === undefined) return { declined: { applied: false, value: current } };
      const text = JSON.stringify(next);
      const written = await write({ key: key(id), token: stored.token, value: text, ttlMs }, next, current);
      if (written === null) return "lost";
      remember(id, written.token, text, true);
      const created = written.created === undefined ? {} : { created: written.created };
      return { done: { applied: true, value: next, ...created } };
    });
  /** An update committed with the steps `along` makes for it (kv.ts AtomicKv.commit). */
  const updateAlong = (
    id: string,
    change: (current: T) => T | undefined,
    along: (next: T, current: T) => Promise<readonly StoreStep[]>,
  ) =>
    updateBy(id, change, async (guard, next, current) => {
      const committed = await kv.commit(guard, await along(next, current));
      return committed === null
        ? null
        : { token: committed.token, created: committed.created.map((token) => token !== null) };
    });

  return {
    along: {
      create: (id, value, place) => ({
        kind: "create",
        key: key(id),
        value: JSON.stringify(value),
        ttlMs,
        ...(place === undefined ? {} : { place }),
      }),
      // A record a commit deletes is not tried from memory again (a failed commit only costs one read).
      delete(id, place) {
        recent.delete(id);
        return { kind: "delete", key: key(id), ...(place === undefined ? {} : { place }) };
      },
      deleteIfEquals(id, value, place) {
        if (ttlMs !== undefined) throw new Error(`${area}: records that expire have no fixed stored text to compare`);
        recent.delete(id);
        return {
          kind: "delete",
          key: key(id),
          only: { value: JSON.stringify(value) },
          ...(place === undefined ? {} : { place }),
        };
      },
      put(id, value) {
        const text = JSON.stringify(value);
        // Its token is not known until it is written: a later change of it reads it first.
        recent.delete(id);
        return { kind: "put", key: key(id), value: text, ttlMs };
      },
      deleteKnown(id) {
        const known = knownOf(id);
        if (known === undefined) return undefined;
        recent.delete(id);
        return { kind: "delete", key: key(id), only: { token: known.token } };
      },
    },
    async createWith(id, value, place) {
      const text = JSON.stringify(value);
      const [token = null] = await kv.apply([{ kind: "create", key: key(id), value: text, ttlMs, place }]);
      if (token !== null) remember(id, token, text, true);
      return token !== null;
    },
    updateAlong,
    async get(id) {
      const stored = await read(id);
      return stored === undefined ? undefined : decode(stored.value);
    },
    async put(id, value) {
      const text = JSON.stringify(value);
      remember(id, await kv.set(key(id), text, ttlMs), text, true);
    },
    async create(id, value) {
      const text = JSON.stringify(value);
      const token = await kv.setIfAbsent(key(id), text, ttlMs);
      if (token !== null) remember(id, token, text, true);
      return token !== null;
    },
    update: (id, change) =>
      updateBy(id, change, async (guard) => {
        const token = await kv.compareAndSet(guard.key, guard.token, guard.value, ttlMs);
        return token === null ? null : { token };
      }),
    async delete(id) {
      recent.delete(id);
      await kv.delete(key(id));
    },
    deleteIf: (id, predicate) =>
      onLatest<boolean>(id, false, "delete", async (stored) => {
        if (!predicate(decode(stored.value))) return { declined: false };
        if (!(await kv.compareAndDelete(key(id), stored.token))) return "lost";
        recent.delete(id);
        return { done: true };
      }),
    async ids() {
      const prefix = `${area}:`;
      return (await kv.keys(prefix)).map((k) => k.slice(prefix.length));
    },
  };
}
