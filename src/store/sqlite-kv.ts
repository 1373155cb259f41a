import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import type { DeleteOnly, StoreStep } from "../engine/store-port.ts";
import { unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";
import { type Batcher, createBatcher } from "./sqlite-batch.ts";

/** keyv's SQLite table layout (key, value), so files written by earlier versions through keyv read the same. */
const TABLE = "pagobot";
/** The due sets: one row per member, indexed by (set, due) so reading what is due never scans the rest. */
const DUE_TABLE = "pagobot_due";
/** How long a statement waits on another connection's lock before SQLite answers SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** How long opening keeps retrying a busy file (another connection switching it to WAL) before giving up. */
const OPEN_DEADLINE_MS = 30_000;

/** Every statement the store runs, prepared once per connection (parsing SQL was a third of each call's CPU). */
const SQL = {
  get: `SELECT value FROM ${TABLE} WHERE key = ?`,
  set: `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
  // An expired row counts as absent: it is overwritten in the same statement.
  setIfAbsent: `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
    ON CONFLICT(key) DO UPDATE SET value = excluded.value
    WHERE json_extract(${TABLE}.value, '$.expires') IS NOT NULL AND json_extract(${TABLE}.value, '$.expires') <= ?
    RETURNING key`,
  compareAndSet: `UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ? RETURNING key`,
  compareAndDelete: `DELETE FROM ${TABLE} WHERE key = ? AND value = ? RETURNING key`,
  delete: `DELETE FROM ${TABLE} WHERE key = ?`,
  keys: `SELECT key FROM ${TABLE} WHERE substr(key, 1, ?) = ?`,
  // The same as a range of the key's index: a scan of the whole table ran on the event loop for tens of ms.
  keysInRange: `SELECT key FROM ${TABLE} WHERE key >= ? AND key < ?`,
  dueAdd: `INSERT INTO ${DUE_TABLE} (name, member, due) VALUES (?, ?, ?)
    ON CONFLICT(name, member) DO UPDATE SET due = excluded.due`,
  dueAddIfAbsent: `INSERT INTO ${DUE_TABLE} (name, member, due) VALUES (?, ?, ?) ON CONFLICT(name, member) DO NOTHING`,
  dueRemove: `DELETE FROM ${DUE_TABLE} WHERE name = ? AND member = ?`,
  dueRemoveIf: `DELETE FROM ${DUE_TABLE} WHERE name = ? AND member = ? AND due = ?`,
  dueCount: `SELECT COUNT(*) FROM ${DUE_TABLE} WHERE name = ?`,
  due: `SELECT member FROM ${DUE_TABLE} WHERE name = ? AND due <= ? ORDER BY due, member LIMIT ?`,
  // One statement: SQLite takes the write lock before it reads, so two connections never claim the same member.
  dueClaim: `UPDATE ${DUE_TABLE} SET due = ? WHERE name = ? AND member IN
    (SELECT member FROM ${DUE_TABLE} WHERE name = ? AND due <= ? ORDER BY due, member LIMIT ?) RETURNING member`,
} as const;

type Statements = { readonly [K in keyof typeof SQL]: Database.Statement };

/** A commit's compare-and-set, as the transaction runs it (the token is the stored text). */
interface Guard {
  readonly key: string;
  readonly token: string;
  readonly raw: string;
}

/**
 * A commit (kv.ts): the guard's compare-and-set, if any, and then its steps, in one transaction; null when the
 * compare failed, else each create step's token (its text) or null.
 */
type CommitTransaction = (guard: Guard | null, steps: readonly StoreStep[], now: number) => (string | null)[] | null;

interface OpenStore {
  readonly db: Database.Database;
  readonly statements: Statements;
  readonly commit: CommitTransaction;
  readonly batcher: Batcher;
}

export interface SqliteKvOptions {
  /** Waits between two attempts to open a busy file; tests pass a recording one. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The embedded backend (`sqlite://path`): one table of keys and keyv-style envelopes, every operation a single
 * prepared SQL statement (INSERT … ON CONFLICT, conditional UPDATE and DELETE with RETURNING), which SQLite runs
 * atomically even when several processes open the same file. The file is in WAL mode with synchronous=NORMAL.
 *
 * The driver is better-sqlite3, which runs a statement synchronously on the calling thread: a few microseconds
 * for these one-row statements, where an asynchronous driver spent tens of microseconds per call handing it to
 * the thread pool and back. The statements asked for in one turn of the event loop commit together at its end
 * (sqlite-batch.ts), so a transaction never spans two turns: a connection never holds a lock while this process
 * does other work, and only another process's write (itself one short batch) can make a statement wait (the
 * busy timeout).
 *
 * The connection opens on the first call and retries while the file is busy: switching a file to WAL takes an
 * exclusive lock, and SQLite answers SQLITE_BUSY at once (the busy timeout does not apply) when another
 * connection holds a lock, which happens whenever several processes open a new file together. A failed open
 * is not kept: the next call tries again, so one bad moment never breaks the store for the whole process.
 */
export function createSqliteKv(path: string, options: SqliteKvOptions = {}): AtomicKv {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const pause = options.sleep ?? ((ms: number) => sleep(ms));
  let store: OpenStore | undefined;
  let opening: Promise<OpenStore> | undefined;
  let closed = false;
  const open = async (): Promise<OpenStore> => {
    opening ??= openWithRetry(path, pause).then(
      (opened) => {
        store = opened;
        return opened;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  /** Runs one statement in this turn's batch (see createBatcher), opening the connection first if need be. */
  const exec = async <T>(
    writes: boolean,
    run: (statements: Statements, commit: CommitTransaction) => T,
  ): Promise<T> => {
    if (closed) throw new Error("the SQLite store is closed");
    const current = store ?? (await open());
    // close() may have run while this call waited for the open.
    if (closed) throw new Error("the SQLite store is closed");
    return current.batcher.enqueue(() => run(current.statements, current.commit), writes);
  };

  return {
    async get(key) {
      const raw = await exec(false, (s) => s.get.get(key));
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: raw };
    },
    // A value's token is its stored text (the envelope).
    async set(key, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      await exec(true, (s) => s.set.run(key, raw));
      return raw;
    },
    async setIfAbsent(key, value, ttlMs) {
      const now = Date.now();
      const raw = wrapValue(value, ttlMs, now);
      return (await exec(true, (s) => s.setIfAbsent.get(key, raw, now))) === undefined ? null : raw;
    },
    async compareAndSet(key, token, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      return (await exec(true, (s) => s.compareAndSet.get(raw, key, token))) === undefined ? null : raw;
    },
    async compareAndDelete(key, token) {
      return (await exec(true, (s) => s.compareAndDelete.get(key, token))) !== undefined;
    },
    async delete(key) {
      await exec(true, (s) => s.delete.run(key));
    },
    async commit(change, steps) {
      const now = Date.now();
      const raw = wrapValue(change.value, change.ttlMs, now);
      const created = await exec(true, (_, commit) =>
        commit({ key: change.key, token: change.token, raw }, steps, now),
      );
      return created === null ? null : { token: raw, created };
    },
    async apply(steps) {
      const now = Date.now();
      return (await exec(true, (_, commit) => commit(null, steps, now))) ?? [];
    },
    async keys(prefix) {
      const end = prefixEnd(prefix);
      const rows = await exec(false, (s) =>
        // SQLite's substr counts characters (code points), not UTF-16 units.
        end === undefined ? s.keys.all([...prefix].length, prefix) : s.keysInRange.all(prefix, end),
      );
      return rows.map(String);
    },
    dueSets: {
      async add(set, member, dueAt, onlyIfAbsent) {
        await exec(true, (s) => (onlyIfAbsent ? s.dueAddIfAbsent : s.dueAdd).run(set, member, dueAt));
      },
      async remove(set, member) {
        await exec(true, (s) => s.dueRemove.run(set, member));
      },
      async removeIf(set, member, dueAt) {
        return (await exec(true, (s) => s.dueRemoveIf.run(set, member, dueAt))).changes > 0;
      },
      async count(set) {
        return Number(await exec(false, (s) => s.dueCount.get(set)));
      },
      async due(set, now, limit) {
        return (await exec(false, (s) => s.due.all(set, now, limit))).map(String);
      },
      async claim(set, now, leaseUntil, limit) {
        // RETURNING's order is not defined: a claimed batch is handled as a batch (callers order what they need).
        return (await exec(true, (s) => s.dueClaim.all(leaseUntil, set, set, now, limit))).map(String);
      },
    },
    async close() {
      closed = true;
      const current = store ?? (await opening?.catch(() => undefined));
      store = undefined;
      if (current?.db.open !== true) return;
      // What was asked before close() still runs.
      current.batcher.flush();
      current.db.close();
    },
  };
}

/**
 * The first string after every string that starts with `prefix`, in SQLite's order (UTF-8 bytes, so code points):
 * the prefix with its last character moved one up. Undefined where that is not one character (an empty prefix,
 * a last character at the edge of the surrogates or beyond), and the keys are then compared one by one.
 */
function prefixEnd(prefix: string): string | undefined {
  const last = prefix.charCodeAt(prefix.length - 1);
  if (Number.isNaN(last) || last >= 0xd7ff) return undefined;
  return prefix.slice(0, -1) + String.fromCharCode(last + 1);
}

async function openWithRetry(path: string, pause: (ms: number) => Promise<void>): Promise<OpenStore> {
  const deadline = Date.now() + OPEN_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    let db: Database.Database | undefined;
    try {
      // The busy timeout is set before anything else, so that every statement below already waits on other
      // connections' locks.
      db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
      db.exec(`CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
      db.exec(
        `CREATE TABLE IF NOT EXISTS ${DUE_TABLE}(name TEXT NOT NULL, member TEXT NOT NULL, due INTEGER NOT NULL, PRIMARY KEY(name, member))`,
      );
      db.exec(`CREATE INDEX IF NOT EXISTS ${DUE_TABLE}_by_due ON ${DUE_TABLE}(name, due)`);
      // WAL lets readers go on while another connection writes (two replicas over one file). The mode is kept in
      // the file, so one already in WAL needs no exclusive lock: only the first opener of a new file switches it.
      if (path !== ":memory:" && db.pragma("journal_mode", { simple: true }) !== "wal") db.pragma("journal_mode = WAL");
      // Per connection. In WAL, NORMAL syncs at checkpoints instead of at every commit: a killed process loses
      // nothing (the WAL is in the OS's hands), a power cut may lose the last commits but never corrupts the file.
      // Every write was an fsync before; a webhook makes about twenty.
      db.pragma("synchronous = NORMAL");
      const prepare = (sql: string) => (db as Database.Database).prepare(sql);
      // The statements that answer rows answer one column: plucked, so a row is its value and not an object.
      const statements: Statements = {
        get: prepare(SQL.get).pluck(),
        set: prepare(SQL.set),
        setIfAbsent: prepare(SQL.setIfAbsent).pluck(),
        compareAndSet: prepare(SQL.compareAndSet).pluck(),
        compareAndDelete: prepare(SQL.compareAndDelete).pluck(),
        delete: prepare(SQL.delete),
        keys: prepare(SQL.keys).pluck(),
        keysInRange: prepare(SQL.keysInRange).pluck(),
        dueAdd: prepare(SQL.dueAdd),
        dueAddIfAbsent: prepare(SQL.dueAddIfAbsent),
        dueRemove: prepare(SQL.dueRemove),
        dueRemoveIf: prepare(SQL.dueRemoveIf),
        dueCount: prepare(SQL.dueCount).pluck(),
        due: prepare(SQL.due).pluck(),
        dueClaim: prepare(SQL.dueClaim).pluck(),
      };
      // Made once per connection. A transaction of its own: a savepoint inside the turn's batch, or a transaction
      // when the batch failed and each statement runs alone.
      const commit: CommitTransaction = db.transaction(
        (guard: Guard | null, steps: readonly StoreStep[], now: number) => {
          if (guard !== null && statements.compareAndSet.get(guard.raw, guard.key, guard.token) === undefined)
            return null;
          const created: (string | null)[] = [];
          for (const step of steps) runStep(statements, step, now, created);
          return created;
        },
      );
      return { db, statements, commit, batcher: createBatcher(db) };
    } catch (error) {
      if (db?.open) db.close();
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // Spread out the connections that collided, so that they do not collide again.
      await pause(Math.min(20 * 2 ** attempt, 500) * (0.5 + Math.random()));
    }
  }
}

const tokenOf = (only: DeleteOnly, now: number) =>
  "token" in only ? only.token : wrapValue(only.value, undefined, now);

/** One step of a commit, inside its transaction; a `create` step's token (its text), or null, is pushed on `created`. */
function runStep(s: Statements, step: StoreStep, now: number, created: (string | null)[]): void {
  switch (step.kind) {
    case "create": {
      const raw = wrapValue(step.value, step.ttlMs, now);
      const wrote = s.setIfAbsent.get(step.key, raw, now) !== undefined;
      created.push(wrote ? raw : null);
      if (wrote && step.place !== undefined) s.dueAdd.run(step.place.set, step.place.member, step.place.dueAt);
      return;
    }
    case "delete": {
      if (step.only === undefined) s.delete.run(step.key);
      // A stored value's token is its text; a value kept without expiry is stored as this very text.
      else if (s.compareAndDelete.get(step.key, tokenOf(step.only, now)) === undefined) return;
      if (step.place !== undefined) s.dueRemove.run(step.place.set, step.place.member);
      return;
    }
    case "put":
      s.set.run(step.key, wrapValue(step.value, step.ttlMs, now));
      return;
    case "due-add":
      s.dueAdd.run(step.place.set, step.place.member, step.place.dueAt);
      return;
    case "due-remove":
      s.dueRemove.run(step.place.set, step.place.member);
      return;
  }
}

/** SQLITE_BUSY or SQLITE_LOCKED, or one of their extended codes (better-sqlite3 reports those). */
function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && /^SQLITE_(BUSY|LOCKED)(_|$)/.test(code);
}
