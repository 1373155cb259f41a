import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner, ScanError, type Scanner } from "../../src/scanner/index.ts";
import { ScanPool } from "../../src/scanner/pool/pool.ts";
import { fixtureDir } from "./corpus.ts";

const large = readFileSync(join(fixtureDir, "dev-0035.jpg")); // 4032×3024, the slowest kind of file to decode
const small = readFileSync(join(fixtureDir, "dev-0003.png")); // a 1366×768 screenshot
const smallPayloads = [
  "PAGOPA|002|342823401952101609|89978988924|17437",
  "PAGOPA|002|311350374237854136|89978988924|17437",
];

describe("scanner worker pool", () => {
  let scanner: Scanner | undefined;
  afterEach(() => scanner?.close());

  /** The longest the caller's event loop went without a 5 ms tick while `work` ran. */
  async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stall: number }> {
    let stall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      stall = Math.max(stall, now - last);
      last = now;
    }, 5);
    try {
      const result = await work();
      return { result, stall: Math.max(stall, performance.now() - last) };
    } finally {
      clearInterval(ticker);
    }
  }

  it("answers a small request while a 12 MP photo is being scanned, and keeps the caller's thread free", async () => {
    scanner = createScanner({ logger: silentLogger, workers: 2 });
    // Start both workers first, so the race below is between scans, not thread start-ups.
    await Promise.all([scanner.scan(small), scanner.scan(small)]);
    // The small file goes to the free worker at once: it is never put in the queue behind the large one (which
    // of the two finishes first depends on the decoder and the machine's load, so it is not what is asserted).
    const queued: number[] = [];
    const pooled = scanner;
    const { result, stall } = await longestStall(() =>
      Promise.all([pooled.scan(large), pooled.scan(small, { onQueued: (position) => queued.push(position) })]),
    );
    expect(queued).toEqual([]);
    expect(result[1].payloads).toEqual(smallPayloads);
    expect(result[0].payloads).toHaveLength(1);
    // The same 12 MP scan on the caller's thread blocks it for its whole decode; through the pool the
    // caller only waits for its ticks (compared, not timed absolutely: the machine may be busy).
    const inline = createScanner({ logger: silentLogger, workers: 0 });
    const blocked = await longestStall(() => inline.scan(large));
    expect(blocked.result.payloads).toEqual(result[0].payloads);
    expect(stall).toBeLessThan(blocked.stall / 2);
    // Three 12 MP scans, one of them inline: on a shared 2-core machine that can outlast the default timeout.
  }, 90_000);

  it("tells a waiting caller its place in the queue and refuses past the queue's end with busy", async () => {
    scanner = createScanner({ logger: silentLogger, workers: 1, maxQueue: 1 });
    const positions: number[] = [];
    const first = scanner.scan(large);
    const second = scanner.scan(small, { onQueued: (position) => positions.push(position) });
    const third = scanner.scan(small).then(
      () => undefined,
      (e: unknown) => e,
    );
    const refused = await third;
    expect(refused).toBeInstanceOf(ScanError);
    expect((refused as ScanError).code).toBe("busy");
    expect(positions).toEqual([1]);
    expect((await first).payloads).toHaveLength(1);
    expect((await second).payloads).toEqual(smallPayloads);
  });

  it("drops a queued scan when its caller aborts, and fails scans after close", async () => {
    scanner = createScanner({ logger: silentLogger, workers: 1 });
    const controller = new AbortController();
    const first = scanner.scan(large);
    const second = scanner.scan(small, { signal: controller.signal }).then(
      () => undefined,
      (e: unknown) => e,
    );
    controller.abort();
    expect(((await second) as ScanError).code).toBe("aborted");
    expect((await first).payloads).toHaveLength(1);
    await scanner.close();
    const closed = await scanner.scan(small).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((closed as ScanError).code).toBe("closed");
  });

  it("gives up on a worker that overruns its hard timeout, answering timeout instead of hanging", async () => {
    const pool = new ScanPool({ size: 1, maxQueue: 2, hardTimeoutMs: 100, logger: silentLogger });
    try {
      // Nothing starts a worker and decodes a 12 MP photo in 100 ms: the worker is terminated mid-scan.
      const slow = await pool.run({ bytes: large, timeBudgetMs: 1200 }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(slow).toBeInstanceOf(ScanError);
      expect((slow as ScanError).code).toBe("timeout");
    } finally {
      await pool.close();
    }
  });

  it("starts workers only when files come and stops them once idle; the next file starts one again", async () => {
    const pool = new ScanPool({ size: 2, maxQueue: 2, hardTimeoutMs: 60_000, idleStopMs: 200, logger: silentLogger });
    try {
      expect(pool.workers).toBe(0);
      expect((await pool.run({ bytes: small, timeBudgetMs: 1200 })).payloads).toEqual(smallPayloads);
      expect(pool.workers).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(pool.workers).toBe(0);
      expect((await pool.run({ bytes: small, timeBudgetMs: 1200 })).payloads).toEqual(smallPayloads);
      expect(pool.workers).toBe(1);
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("once its last worker has stopped, hands back the files it was given instead of keeping them resident", async () => {
    const pool = new ScanPool({ size: 1, maxQueue: 2, hardTimeoutMs: 60_000, idleStopMs: 200, logger: silentLogger });
    const collected: string[] = [];
    const registry = new FinalizationRegistry<string>((name) => collected.push(name));
    try {
      // The caller drops its copy of the file once the scan has answered, as the chat's handlers do.
      await (async () => {
        const bytes = Uint8Array.from(small);
        registry.register(bytes, "dev-0003.png");
        // Held across a few young-generation collections, as a file is while it is downloaded and queued: it is
        // then in the old generation, which only a full collection frees.
        let churn: number[][] = [];
        for (let i = 0; i < 400_000; i++) churn.push([i]);
        churn = [];
        expect((await pool.run({ bytes, timeBudgetMs: 1200 })).payloads).toEqual(smallPayloads);
      })();
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(pool.workers).toBe(0);
      expect(collected).toEqual(["dev-0003.png"]);
    } finally {
      await pool.close();
    }
  }, 60_000);
});
