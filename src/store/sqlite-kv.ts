import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import KeyvSqlite from "@keyv/sqlite";
import { Keyv } from "keyv";
import { keyvSerialization, unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";

const TABLE = "pagobot";
/** How long a statement waits on another connection's lock before SQLite answers SQLITE_BUSY. */
const BUSY_TIMEOUT_MS = 10_000;
/** How long opening keeps retrying a busy file (another connection switching it to WAL) before giving up. */
const OPEN_DEADLINE_MS = 30_000;

type Query = (sql: string, ...params: unknown[]) => Promise<Record<string, unknown>[]>;

interface OpenStore {
  readonly store: KeyvSqlite;
  readonly keyv: Keyv<string>;
  readonly query: Query;
}

export interface SqliteKvOptions {
  /** Waits between two attempts to open a busy file; tests pass a recording one. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * The embedded backend (`sqlite://path`): keyv's SQLite adapter, plus atomic operations as single SQL
 * statements on the same table (INSERT … ON CONFLICT, conditional UPDATE and DELETE with RETURNING), which
 * SQLite runs atomically even when several processes open the same file.
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
  const run = async (sql: string, ...params: unknown[]) => (await open()).query(sql, ...params);

  return {
    async get(key) {
      const rows = await run(`SELECT value FROM ${TABLE} WHERE key = ?`, key);
      const raw = rows[0]?.value;
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: raw };
    },
    async set(key, value, ttlMs) {
      await (await open()).keyv.set(key, value, ttlMs);
    },
    async setIfAbsent(key, value, ttlMs) {
      const now = Date.now();
      // An expired row counts as absent: it is overwritten in the same statement.
      const rows = await run(
        `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value
         WHERE json_extract(${TABLE}.value, '$.expires') IS NOT NULL AND json_extract(${TABLE}.value, '$.expires') <= ?
         RETURNING key`,
        key,
        wrapValue(value, ttlMs, now),
        now,
      );
      return rows.length === 1;
    },
    async compareAndSet(key, token, value, ttlMs) {
      const rows = await run(
        `UPDATE ${TABLE} SET value = ? WHERE key = ? AND value = ? RETURNING key`,
        wrapValue(value, ttlMs, Date.now()),
        key,
        token,
      );
      return rows.length === 1;
    },
    async compareAndDelete(key, token) {
      const rows = await run(`DELETE FROM ${TABLE} WHERE key = ? AND value = ? RETURNING key`, key, token);
      return rows.length === 1;
    },
    async delete(key) {
      await run(`DELETE FROM ${TABLE} WHERE key = ?`, key);
    },
    async keys(prefix) {
      const rows = await run(`SELECT key FROM ${TABLE} WHERE substr(key, 1, ?) = ?`, prefix.length, prefix);
      return rows.map((row) => String(row.key));
    },
    async close() {
      closed = true;
      const current = await opening?.catch(() => undefined);
      await current?.store.disconnect();
    },
  };
}

async function openWithRetry(path: string, pause: (ms: number) => Promise<void>): Promise<OpenStore> {
  const deadline = Date.now() + OPEN_DEADLINE_MS;
  for (let attempt = 0; ; attempt++) {
    // The adapter configures busyTimeout as soon as the file opens, before its CREATE TABLE and our pragmas.
    const store = new KeyvSqlite({ uri: `sqlite://${path}`, table: TABLE, busyTimeout: BUSY_TIMEOUT_MS });
    // A failed open is also emitted as an event; the rejected query below is what is acted on.
    store.on("error", () => {});
    const query = store.query as Query;
    try {
      // WAL lets readers go on while another connection writes (two replicas over one file). The mode is kept in
      // the file, so one already in WAL needs no exclusive lock: only the first opener of a new file switches it.
      const [current] = await query("PRAGMA journal_mode");
      if (path !== ":memory:" && current?.journal_mode !== "wal") await query("PRAGMA journal_mode=WAL");
      // Per connection. In WAL, NORMAL syncs at checkpoints instead of at every commit: a killed process loses
      // nothing (the WAL is in the OS's hands), a power cut may lose the last commits but never corrupts the file.
      // Every write was an fsync before; a webhook makes about twenty.
      await query("PRAGMA synchronous=NORMAL");
      const keyv = new Keyv<string>({ store, useKeyPrefix: false, throwOnErrors: true, ...keyvSerialization });
      // No keyv namespace: keys reach the adapter exactly as given (namespaced() adds ours), so both paths agree.
      keyv.namespace = undefined;
      return { store, keyv, query };
    } catch (error) {
      await store.disconnect().catch(() => {});
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
