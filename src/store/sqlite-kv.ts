import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import KeyvSqlite from "@keyv/sqlite";
import { Keyv } from "keyv";
import { keyvSerialization, unwrapValue, wrapValue } from "./envelope.ts";
import type { AtomicKv } from "./kv.ts";

const TABLE = "pagobot";

/**
 * The embedded backend (`sqlite://path`): keyv's SQLite adapter, plus atomic operations as single SQL
 * statements on the same table (INSERT … ON CONFLICT, conditional UPDATE and DELETE with RETURNING), which
 * SQLite runs atomically even when several processes open the same file.
 */
export function createSqliteKv(path: string): AtomicKv {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const store = new KeyvSqlite({ uri: `sqlite://${path}`, table: TABLE, busyTimeout: 10_000 });
  const keyv = new Keyv<string>({ store, useKeyPrefix: false, throwOnErrors: true, ...keyvSerialization });
  // No keyv namespace: keys reach the adapter exactly as given (namespaced() adds ours), so both paths agree.
  keyv.namespace = undefined;
  const query = store.query as (sql: string, ...params: unknown[]) => Promise<Record<string, unknown>[]>;
  // WAL lets readers go on while another connection writes (two replicas over one file).
  const ready = query("PRAGMA journal_mode=WAL");

  const run = async (sql: string, ...params: unknown[]) => {
    await ready;
    return query(sql, ...params);
  };
  return {
    async get(key) {
      const rows = await run(`SELECT value FROM ${TABLE} WHERE key = ?`, key);
      const raw = rows[0]?.value;
      if (typeof raw !== "string") return undefined;
      const value = unwrapValue(raw, Date.now());
      return value === undefined ? undefined : { value, token: raw };
    },
    async set(key, value, ttlMs) {
      await ready;
      await keyv.set(key, value, ttlMs);
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
      await ready.catch(() => {});
      await store.disconnect();
    },
  };
}
