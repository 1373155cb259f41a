import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createSqliteKv } from "../../src/store/sqlite-kv.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const storeModule = pathToFileURL(join(root, "src/store/sqlite-kv.ts")).href;

// Several replicas (or a restart racing a process still closing) open one SQLite file at the same moment. The
// first opener switches the file to WAL, which needs an exclusive lock, and SQLite answers SQLITE_BUSY at once to
// a connection that collides with it. That must be waited out, never turned into a failed call or a store that
// fails every call for the life of the process.
//
// The other connections that hold locks live in other processes, as other replicas do: the store runs each
// statement synchronously, so a lock holder in this process could not run while the store waits on it, and a
// second copy of SQLite in one process (another driver) breaks the file locks of the first.
describe("SQLite store opened from many connections at once", () => {
  let dir: string;
  let opened: AtomicKv[];
  let children: ChildProcessWithoutNullStreams[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pagobot-sqlite-open-"));
    opened = [];
    children = [];
  });
  afterEach(async () => {
    for (const child of children) child.kill();
    await Promise.all(opened.map((kv) => kv.close().catch(() => {})));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A node process running `script` (ESM, with TypeScript imports), answering lines on stdout. */
  function startProcess(script: string, ...args: string[]) {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, ...args], {
      cwd: root,
    });
    children.push(child);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    return {
      child,
      async nextLine(): Promise<string> {
        const next = await lines.next();
        if (next.done === true) throw new Error(`the process ended: ${stderr}`);
        return next.value;
      },
    };
  }

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

  it("lets 4 processes opening each new file together all claim, write and read, round after round", async () => {
    // Each process waits for "go <file>", opens the store on that file, writes, claims, and answers what it won.
    const script = `
      import { createInterface } from "node:readline";
      const { createSqliteKv } = await import(process.argv[1]);
      const me = process.argv[2];
      console.log("ready");
      for await (const line of createInterface({ input: process.stdin })) {
        const kv = createSqliteKv(line.slice(3));
        try {
          await kv.set("payment:" + me, me);
          const won = (await kv.setIfAbsent("claim:pay", me)) !== null;
          console.log(JSON.stringify({ won, read: (await kv.get("payment:" + me))?.value }));
        } catch (error) {
          console.log(JSON.stringify({ error: String(error) }));
        } finally {
          await kv.close();
        }
      }`;
    const processes = Array.from({ length: 4 }, (_, i) => startProcess(script, storeModule, String(i)));
    for (const p of processes) expect(await p.nextLine()).toBe("ready");
    for (let round = 0; round < 10; round++) {
      const file = join(dir, `processes-${round}.sqlite`);
      for (const p of processes) p.child.stdin.write(`go ${file}\n`);
      const answers = await Promise.all(processes.map(async (p) => JSON.parse(await p.nextLine())));
      expect(answers.filter((answer) => answer.error !== undefined)).toEqual([]);
      expect(answers.filter((answer) => answer.won)).toHaveLength(1);
      expect(answers.map((answer) => answer.read)).toEqual(["0", "1", "2", "3"]);
    }
  }, 60_000);

  it("waits for another process's write to end when it must switch the file to WAL, and keeps working after", async () => {
    // Deterministic form of the collision: the file is still in rollback mode and another process holds a write
    // lock. Switching to WAL then gets SQLITE_BUSY at once (SQLite skips the busy timeout where waiting could
    // deadlock), and the store used to fail that call and every later one.
    const file = join(dir, "locked.sqlite");
    const holder = startProcess(
      `
      import Database from "better-sqlite3";
      const db = new Database(process.argv[1]);
      db.exec("CREATE TABLE pagobot(key VARCHAR(255) PRIMARY KEY, value TEXT)");
      db.exec("CREATE TABLE pagobot_due(name TEXT NOT NULL, member TEXT NOT NULL, due INTEGER NOT NULL, PRIMARY KEY(name, member))");
      db.exec("CREATE INDEX pagobot_due_by_due ON pagobot_due(name, due)");
      db.exec("BEGIN IMMEDIATE");
      db.exec(\`INSERT INTO pagobot (key, value) VALUES ('other', '{"value":"row"}')\`);
      console.log("locked");
      setTimeout(() => { db.exec("COMMIT"); db.close(); console.log("committed"); }, 300);`,
      file,
    );
    expect(await holder.nextLine()).toBe("locked");
    const waits: number[] = [];
    const kv = createSqliteKv(file, {
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    opened.push(kv);
    await kv.set("payment:1", '{"state":"open"}');
    expect(await holder.nextLine()).toBe("committed");
    expect(waits.length).toBeGreaterThan(0);
    expect((await kv.get("payment:1"))?.value).toBe('{"state":"open"}');
    expect((await kv.get("other"))?.value).toBe("row");
    expect(await kv.setIfAbsent("claim:1", "me")).not.toBeNull();
  });

  it("puts the file in WAL mode, so a reader is not blocked by another connection's write", async () => {
    const file = join(dir, "wal.sqlite");
    const writer = createSqliteKv(file);
    opened.push(writer);
    await writer.set("a", "1");
    const probe = new Database(file, { readonly: true });
    const mode = probe.pragma("journal_mode", { simple: true });
    probe.close();
    expect(mode).toBe("wal");
  });

  it("answers calls after close with an error, not a hang", async () => {
    const kv = createSqliteKv(join(dir, "closed.sqlite"));
    await kv.set("a", "1");
    await kv.close();
    await expect(kv.get("a")).rejects.toThrow(/closed/);
  });
});
