import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createSqliteKv } from "../../src/store/sqlite-kv.ts";

// Several replicas (or a restart racing a process still closing) open one SQLite file at the same moment. The
// first opener switches the file to WAL, which needs an exclusive lock, and SQLite answers SQLITE_BUSY at once to
// a connection that collides with it. That must be waited out, never turned into a failed call or a store that
// fails every call for the life of the process.
describe("SQLite store opened from many connections at once", () => {
  let dir: string;
  let opened: AtomicKv[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pagobot-sqlite-open-"));
    opened = [];
  });
  afterEach(async () => {
    await Promise.all(opened.map((kv) => kv.close().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  // The collision is a race: one new file collides in roughly one round in three, so 15 rounds make a miss
  // (every round lucky) vanishingly rare.
  it("lets 16 connections opened together on a new file all claim, write and read, round after round", async () => {
    for (let round = 0; round < 15; round++) {
      const file = join(dir, `round-${round}.sqlite`);
      const batch = Array.from({ length: 16 }, () => createSqliteKv(file));
      opened.push(...batch);
      await Promise.all(batch.map((kv, i) => kv.set(`payment:${i}`, `{"n":${i}}`)));
      const claims = await Promise.all(batch.map((kv, i) => kv.setIfAbsent("claim:pay", `by-${i}`)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      await Promise.all(batch.map((kv, i) => kv.set(`payment:${i}`, `{"n":${i}}`)));
      const reads = await Promise.all(batch.map((kv, i) => kv.get(`payment:${(i + 1) % batch.length}`)));
      expect(reads.map((read) => read?.value)).toEqual(batch.map((_, i) => `{"n":${(i + 1) % batch.length}}`));
    }
  });

  it("waits for another connection's write to end when it must switch the file to WAL, and keeps working after", async () => {
    // Deterministic form of the collision: the file is still in rollback mode and another connection holds a
    // write lock. Switching to WAL then gets SQLITE_BUSY at once (SQLite skips the busy timeout where waiting could
    // deadlock), and the store used to fail that call and every later one.
    const file = join(dir, "locked.sqlite");
    const { default: KeyvSqlite } = await import("@keyv/sqlite");
    const other = new KeyvSqlite({ uri: `sqlite://${file}`, table: "pagobot" });
    await other.query("BEGIN IMMEDIATE");
    await other.query("INSERT INTO pagobot (key, value) VALUES ('other', 'row')");
    const kv = createSqliteKv(file);
    opened.push(kv);
    const released = new Promise<void>((resolve) => setTimeout(resolve, 300)).then(() => other.query("COMMIT"));
    await kv.set("payment:1", '{"state":"open"}');
    await released;
    await other.disconnect();
    expect((await kv.get("payment:1"))?.value).toBe('{"state":"open"}');
    expect(await kv.setIfAbsent("claim:1", "me")).not.toBeNull();
  });

  it("puts the file in WAL mode, so a reader is not blocked by another connection's write", async () => {
    const file = join(dir, "wal.sqlite");
    const writer = createSqliteKv(file);
    opened.push(writer);
    await writer.set("a", "1");
    const { default: KeyvSqlite } = await import("@keyv/sqlite");
    const probe = new KeyvSqlite({ uri: `sqlite://${file}` });
    const [mode] = (await probe.query("PRAGMA journal_mode")) as { journal_mode: string }[];
    await probe.disconnect();
    expect(mode?.journal_mode).toBe("wal");
  });

  it("answers calls after close with an error, not a hang", async () => {
    const kv = createSqliteKv(join(dir, "closed.sqlite"));
    await kv.set("a", "1");
    await kv.close();
    await expect(kv.get("a")).rejects.toThrow(/closed/);
  });
});
