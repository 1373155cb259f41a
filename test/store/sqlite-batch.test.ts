import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createBatcher } from "../../src/store/sqlite-batch.ts";
import { createSqliteKv } from "../../src/store/sqlite-kv.ts";

// The SQLite store commits the statements asked for in one turn together. Each caller must still get exactly
// what its own statement did, as if it had run alone.
describe("SQLite statements batched per turn", () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pagobot-sqlite-batch-"));
    db = new Database(join(dir, "batch.sqlite"));
    db.exec("CREATE TABLE amounts(id INTEGER PRIMARY KEY, cents INTEGER NOT NULL CHECK (cents > 0))");
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the statements of a turn in the order asked, each answering its own result", async () => {
    const batcher = createBatcher(db);
    const insert = db.prepare("INSERT INTO amounts (cents) VALUES (?) RETURNING id").pluck();
    const total = db.prepare("SELECT sum(cents) FROM amounts").pluck();
    const answers = await Promise.all([
      batcher.enqueue(() => insert.get(100), true),
      batcher.enqueue(() => total.get(), false),
      batcher.enqueue(() => insert.get(250), true),
      batcher.enqueue(() => total.get(), false),
    ]);
    expect(answers).toEqual([1, 100, 2, 350]);
  });

  it("fails only the statement that failed: the others of its turn are kept and answer their results", async () => {
    const batcher = createBatcher(db);
    const insert = db.prepare("INSERT INTO amounts (cents) VALUES (?) RETURNING id").pluck();
    const outcomes = await Promise.allSettled([
      batcher.enqueue(() => insert.get(100), true),
      batcher.enqueue(() => insert.get(-5), true),
      batcher.enqueue(() => insert.get(250), true),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(db.prepare("SELECT cents FROM amounts ORDER BY id").pluck().all()).toEqual([100, 250]);
  });

  it("keeps what was asked for right before the store closed", async () => {
    const file = join(dir, "store.sqlite");
    const kv = createSqliteKv(file);
    await kv.set("warm", "up");
    const writes = [kv.set("payment:1", "paid"), kv.setIfAbsent("claim:1", "me")];
    await kv.close();
    await Promise.all(writes);
    const again = createSqliteKv(file);
    expect((await again.get("payment:1"))?.value).toBe("paid");
    expect((await again.get("claim:1"))?.value).toBe("me");
    await again.close();
  });
});
