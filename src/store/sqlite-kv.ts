import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import sqlite3 from "sqlite3";
import { unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";

/** keyv's SQLite table layout (key, value), so files written by earlier versions through keyv read the same. */
const TABLE = "pagobot";
/** The due sets: one row per member, indexed by (set, due) so reading what is due never scans the rest. */
const DUE_TABLE = "pagobot_due";
/** How long a statement waits on another connection's lock before SQLite answers SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** How long opening keeps retrying a busy file (another connection switching it to WAL) before giving up. */
const OPEN_DEADLINE_MS = 30_000;

type Row = Record<string, unknown>;
type Run = (...params: unknown[]) => Promise<Row[]>;

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
  dueAdd: `INSERT INTO ${DUE_TABLE} (name, member, due) VALUES (?, ?, ?)
    ON CONFLICT(name, member) DO UPDATE SET due = excluded.due`,
  dueAddIfAbsent: `INSERT INTO ${DUE_TABLE} (name, member, due) VALUES (?, ?, ?) ON CONFLICT(name, member) DO NOTHING`,
  dueRemove: `DELETE FROM ${DUE_TABLE} WHERE name = ? AND member = ?`,
  due: `SELECT member FROM ${DUE_TABLE} WHERE name = ? AND due <= ? ORDER BY due, member LIMIT ?`,
  // One statement: SQLite takes the write lock before it reads, so two connections never claim the same member.
  dueClaim: `UPDATE ${DUE_TABLE} SET due = ? WHERE name = ? AND member IN
    (SELECT member FROM ${DUE_TABLE} WHERE name = ? AND due <= ? ORDER BY due, member LIMIT ?) RETURNING member`,
} as const;

interface OpenStore {
  readonly db: sqlite3.Database;
  readonly statements: { readonly [K in keyof typeof SQL]: Run };
  readonly prepared: sqlite3.Statement[];
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
 * The connection opens on the first call and retries while the file is busy: switching a file to WAL takes an
 * exclusive lock, and SQLite answers SQLITE_BUSY at once (the busy timeout does not apply) when another
 * connection holds a lock, which happens whenever several connections open a new file together. A failed open
 * is not kept: the next call tries again, so one bad moment never breaks the store for the whole process.
 */
export function createSqliteKv(path: string, options: SqliteKvOptions = {}): AtomicKv {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const pause = options.sleep ?? ((ms: number) => sleep(ms));
  let opening: Promise<OpenStore> | undefined;
  let closed = false;
  const open = (): Promise<OpenStore> => {
    if (closed) return Promise.reject(new Error("the SQLite store is closed"));
    opening ??= openWithRetry(path, pause).catch((error: unknown) => {
      opening = undefined;
      throw error;
    });
    return opening;
  };
  const run = async (name: keyof typeof SQL, ...params: unknown[]) => (await open()).statements[name](...params);

  return {
    async get(key) {
      const rows = await run("get", key);
      const raw = rows[0]?.value;
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: raw };
    },
    // A value's token is its stored text (the envelope).
    async set(key, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      await run("set", key, raw);
      return raw;
    },
    async setIfAbsent(key, value, ttlMs) {
      const now = Date.now();
      const raw = wrapValue(value, ttlMs, now);
      return (await run("setIfAbsent", key, raw, now)).length === 1 ? raw : null;
    },
    async compareAndSet(key, token, value, ttlMs) {
      const raw = wrapValue(value, ttlMs, Date.now());
      return (await run("compareAndSet", raw, key, token)).length === 1 ? raw : null;
    },
    async compareAndDelete(key, token) {
      return (await run("compareAndDelete", key, token)).length === 1;
    },
    async delete(key) {
      await run("delete", key);
    },
    async keys(prefix) {
      const rows = await run("keys", prefix.length, prefix);
      return rows.map((row) => String(row.key));
    },
    dueSets: {
      async add(set, member, dueAt, onlyIfAbsent) {
        await run(onlyIfAbsent ? "dueAddIfAbsent" : "dueAdd", set, member, dueAt);
      },
      async remove(set, member) {
        await run("dueRemove", set, member);
      },
      async due(set, now, limit) {
        return (await run("due", set, now, limit)).map((row) => String(row.member));
      },
      async claim(set, now, leaseUntil, limit) {
        // RETURNING's order is not defined: a claimed batch is handled as a batch (callers order what they need).
        return (await run("dueClaim", leaseUntil, set, set, now, limit)).map((row) => String(row.member));
      },
    },
    async close() {
      closed = true;
      const current = await opening?.catch(() => undefined);
      if (current !== undefined) await closeStore(current);
    },
  };
}

const query = (db: sqlite3.Database, sql: string) =>
  new Promise<Row[]>((resolve, reject) => {
    db.all(sql, (error: Error | null, rows: Row[]) => (error ? reject(error) : resolve(rows)));
  });

function prepare(db: sqlite3.Database, sql: string): Promise<sqlite3.Statement> {
  return new Promise((resolve, reject) => {
    const statement = db.prepare(sql, (error: Error | null) => (error ? reject(error) : resolve(statement)));
  });
}

/** A prepared statement as a function; node-sqlite3 queues calls on one statement, so sharing it is safe. */
const runner =
  (statement: sqlite3.Statement): Run =>
  (...params) =>
    new Promise((resolve, reject) => {
      statement.all(params, (error: Error | null, rows: Row[]) => (error ? reject(error) : resolve(rows)));
    });

async function closeStore(store: OpenStore): Promise<void> {
  await Promise.all(store.prepared.map((s) => new Promise<void>((resolve) => s.finalize(() => resolve()))));
  await new Promise<void>((resolve, reject) => store.db.close((error) => (error ? reject(error) : resolve())));
}

function openDatabase(path: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, (error) => (error ? reject(error) : resolve(db)));
  });
}

async function openWithRetry(path: string, pause: (ms: number) => Promise<void>): Promise<OpenStore> {
  const deadline = Date.now() + OPEN_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    const db = await openDatabase(path);
    // Before anything else, so that every statement below already waits on other connections' locks.
    db.configure("busyTimeout", BUSY_TIMEOUT_MS);
    const prepared: sqlite3.Statement[] = [];
    try {
      await query(db, `CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT)`);
      await query(
        db,
        `CREATE TABLE IF NOT EXISTS ${DUE_TABLE}(name TEXT NOT NULL, member TEXT NOT NULL, due INTEGER NOT NULL, PRIMARY KEY(name, member))`,
      );
      await query(db, `CREATE INDEX IF NOT EXISTS ${DUE_TABLE}_by_due ON ${DUE_TABLE}(name, due)`);
      // WAL lets readers go on while another connection writes (two replicas over one file). The mode is kept in
      // the file, so one already in WAL needs no exclusive lock: only the first opener of a new file switches it.
      const [current] = await query(db, "PRAGMA journal_mode");
      if (path !== ":memory:" && current?.journal_mode !== "wal") await query(db, "PRAGMA journal_mode=WAL");
      // Per connection. In WAL, NORMAL syncs at checkpoints instead of at every commit: a killed process loses
      // nothing (the WAL is in the OS's hands), a power cut may lose the last commits but never corrupts the file.
      // Every write was an fsync before; a webhook makes about twenty.
      await query(db, "PRAGMA synchronous=NORMAL");
      const entries = await Promise.all(
        Object.entries(SQL).map(async ([name, sql]) => {
          const statement = await prepare(db, sql);
          prepared.push(statement);
          return [name, runner(statement)] as const;
        }),
      );
      return { db, prepared, statements: Object.fromEntries(entries) as OpenStore["statements"] };
    } catch (error) {
      await closeStore({ db, prepared, statements: {} as OpenStore["statements"] }).catch(() => {});
      if (!isBusy(error) || Date.now() >= deadline) throw error;
      // Spread out the connections that collided, so that they do not collide again.
      await pause(Math.min(20 * 2 ** attempt, 500) * (0.5 + Math.random()));
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === "SQLITE_BUSY" || code === "SQLITE_LOCKED";
}
