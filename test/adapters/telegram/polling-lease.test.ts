import { afterEach, describe, expect, it } from "vitest";
import { createTelegramAdapter, type TelegramAdapter } from "../../../adapters/telegram/index.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import type { AtomicKv } from "../../../src/store/kv.ts";
import { createTestBackend, type TestBackend } from "../../helpers/backends.ts";
import { wrapKv } from "../../helpers/wrap-kv.ts";
import { startTelegramPeer, type TelegramPeer } from "../../peers/telegram/peer.ts";
import { RecordingEngine } from "./recording-engine.ts";

/** A store connection that can become unreachable, as a replica's does when its host dies or is cut off. */
function severable(kv: AtomicKv): { kv: AtomicKv; sever(): void } {
  let severed = false;
  const guard = <T>(call: () => Promise<T>) => (severed ? Promise.reject(new Error("store unreachable")) : call());
  return {
    sever: () => {
      severed = true;
    },
    // The backend's own due index is cut off with the rest (not the one-record fallback a bare wrapper gets).
    kv: wrapKv(kv, guard),
  };
}

// Two replicas' adapters polling one bot, on one store: Redis when REDIS_URL is set (as deployed), else SQLite.
const backendName = process.env.REDIS_URL ? "redis" : "sqlite";

describe(`Telegram long polling on two replicas sharing ${backendName}`, () => {
  let peer: TelegramPeer | undefined;
  let backend: TestBackend | undefined;
  const adapters: TelegramAdapter[] = [];
  afterEach(async () => {
    for (const adapter of adapters.splice(0)) await adapter.stop().catch(() => {});
    await peer?.stop();
    await backend?.dispose();
  });

  async function replica(kv: AtomicKv, lease: { ttlMs: number; renewMs: number }) {
    if (peer === undefined) throw new Error("no peer");
    const engine = new RecordingEngine();
    const adapter = createTelegramAdapter({
      token: peer.token,
      apiRoot: peer.apiRoot,
      engine,
      logger: silentLogger,
      pollingLease: { kv, ...lease },
    });
    adapters.push(adapter);
    await adapter.start();
    return { engine, adapter };
  }

  const texts = (engine: RecordingEngine) => engine.events.map((e) => (e.type === "text" ? e.text : e.type));

  async function handledBy(a: RecordingEngine, b: RecordingEngine, text: string, timeoutMs: number) {
    const started = Date.now();
    while (Date.now() - started < timeoutMs) {
      if (texts(a).includes(text)) return "a";
      if (texts(b).includes(text)) return "b";
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return "nobody";
  }

  it("one replica polls at a time; when it is cut off, the other takes over within the lease's lifetime", async () => {
    peer = await startTelegramPeer();
    backend = createTestBackend(backendName);
    const lease = { ttlMs: 1_000, renewMs: 200 };
    const first = severable(backend.open());
    const a = await replica(first.kv, lease);
    const chat = peer.privateChat({ first_name: "Anna" });
    chat.sendText("uno");
    expect(await handledBy(a.engine, a.engine, "uno", 5_000)).toBe("a");
    const b = await replica(backend.open(), lease);
    // B keeps trying for the lease meanwhile; every update still goes to A alone, and none twice.
    for (const text of ["due", "tre", "quattro"]) {
      chat.sendText(text);
      expect(await handledBy(a.engine, b.engine, text, 5_000)).toBe("a");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(b.engine.events).toEqual([]);

    // A loses the store: it stops polling before its lease can expire, and B polls once it has.
    first.sever();
    const cutAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, lease.ttlMs));
    chat.sendText("cinque");
    expect(await handledBy(a.engine, b.engine, "cinque", 10_000)).toBe("b");
    expect(Date.now() - cutAt).toBeLessThan(lease.ttlMs + 3_000);
    expect(texts(a.engine)).toEqual(["uno", "due", "tre", "quattro"]);
    expect(texts(b.engine)).toEqual(["cinque"]);
  });

  it("a replica that stops hands the polling over at once, well before its lease would expire", async () => {
    peer = await startTelegramPeer();
    backend = createTestBackend(backendName);
    const lease = { ttlMs: 30_000, renewMs: 100 };
    const a = await replica(backend.open(), lease);
    const chat = peer.privateChat({ first_name: "Marco" });
    chat.sendText("prima");
    expect(await handledBy(a.engine, a.engine, "prima", 5_000)).toBe("a");
    const b = await replica(backend.open(), lease);
    await a.adapter.stop();
    chat.sendText("dopo");
    expect(await handledBy(a.engine, b.engine, "dopo", 5_000)).toBe("b");
  });
});
