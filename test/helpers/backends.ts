import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { namespaced } from "../../src/store/namespaced-kv.ts";
import { createRedisKv } from "../../src/store/redis-kv.ts";
import { createSqliteKv } from "../../src/store/sqlite-kv.ts";

/**
 * A backend under test: `open()` gives a fresh connection to the same shared data each time it is called, as a
 * second replica would get (memory shares one Map, SQLite one file, Redis one namespace).
 */
export interface TestBackend {
  readonly name: "memory" | "sqlite" | "redis";
  /** The STORE_URL that opens this backend's data (for createApp). */
  readonly url: string;
  readonly namespace: string;
  open(): AtomicKv;
  /** Closes every connection opened and removes the data. */
  dispose(): Promise<void>;
}

/** The backends the store suites run against: memory and SQLite always, Redis when REDIS_URL is set. */
export function testBackends(): TestBackend["name"][] {
  return process.env.REDIS_URL ? ["memory", "sqlite", "redis"] : ["memory", "sqlite"];
}

export function createTestBackend(name: TestBackend["name"]): TestBackend {
  const opened: AtomicKv[] = [];
  const namespace = `test-${randomUUID().slice(0, 8)}`;
  if (name === "memory") {
    const map = new Map<string, string>();
    return {
      name,
      url: "memory://",
      namespace,
      open: () => track(opened, namespaced(createMemoryKv(map), namespace)),
      dispose: async () => closeAll(opened),
    };
  }
  if (name === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "pagobot-store-"));
    const file = join(dir, "pagobot.sqlite");
    return {
      name,
      url: `sqlite://${file}`,
      namespace,
      open: () => track(opened, namespaced(createSqliteKv(file), namespace)),
      dispose: async () => {
        await closeAll(opened);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  return {
    name,
    url,
    namespace,
    open: () => track(opened, namespaced(createRedisKv(url), namespace)),
    dispose: async () => {
      const cleaner = namespaced(createRedisKv(url), namespace);
      for (const key of await cleaner.keys("")) await cleaner.delete(key);
      await cleaner.close();
      await closeAll(opened);
    },
  };
}

function track(list: AtomicKv[], kv: AtomicKv): AtomicKv {
  list.push(kv);
  return kv;
}

async function closeAll(list: AtomicKv[]): Promise<void> {
  await Promise.all(list.splice(0).map((kv) => kv.close().catch(() => {})));
}
