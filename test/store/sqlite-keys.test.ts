import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createSqliteKv } from "../../src/store/sqlite-kv.ts";

// keys() reads a range of the key index instead of comparing every key: the range must hold exactly the keys
// that start with the prefix, whatever characters follow or end it.
describe("SQLite store listing keys by prefix", () => {
  let dir: string;
  let kv: AtomicKv;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "pagobot-sqlite-keys-"));
    kv = createSqliteKv(join(dir, "keys.sqlite"));
  });
  afterEach(async () => {
    await kv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists exactly the keys that start with the prefix", async () => {
    const keys = [
      "a",
      "a:",
      "a:1",
      "a:~",
      "a:é",
      "a:\u{1F4B6}",
      "a;",
      "a;1",
      "b:",
      "A:1",
      "ä:1",
      "é:1",
      "é;",
      "\u{1F4B6}:1",
    ];
    for (const key of keys) await kv.set(key, "1");
    const sorted = async (prefix: string) => (await kv.keys(prefix)).sort();
    expect(await sorted("a:")).toEqual(["a:", "a:1", "a:~", "a:é", "a:\u{1F4B6}"].sort());
    expect(await sorted("a")).toEqual(["a", "a:", "a:1", "a:~", "a:é", "a:\u{1F4B6}", "a;", "a;1"].sort());
    expect(await sorted("é")).toEqual(["é:1", "é;"]);
    expect(await sorted("\u{1F4B6}")).toEqual(["\u{1F4B6}:1"]);
    expect(await sorted("a:1")).toEqual(["a:1"]);
    expect(await sorted("c")).toEqual([]);
    expect((await kv.keys("")).length).toBe(keys.length);
  });
});
