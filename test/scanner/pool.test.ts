import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner, ScanError, type Scanner } from "../../src/scanner/index.ts";
import { fixtureDir } from "./corpus.ts";

const large = readFileSync(join(fixtureDir, "dev-0035.jpg")); // 4032×3024, the slowest kind of file
const small = readFileSync(join(fixtureDir, "dev-0003.png")); // a 1366×768 screenshot
const smallPayloads = [
  "PAGOPA|002|342823401952101609|89978988924|17437",
  "PAGOPA|002|311350374237854136|89978988924|17437",
];

describe("scanner worker pool", () => {
  let scanner: Scanner | undefined;
  afterEach(() => scanner?.close());

  it("answers a small request while a 12 MP photo is being scanned, and keeps the caller's thread free", async () => {
    scanner = createScanner({ logger: silentLogger, workers: 2 });
    // Start both workers first, so the race below is between scans, not thread start-ups.
    await Promise.all([scanner.scan(small), scanner.scan(small)]);
    const order: string[] = [];
    let longestStall = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestStall = Math.max(longestStall, now - last);
      last = now;
    }, 5);
    const big = scanner.scan(large).then((r) => {
      order.push("large");
      return r;
    });
    const little = scanner.scan(small).then((r) => {
      order.push("small");
      return r;
    });
    const [bigResult, littleResult] = await Promise.all([big, little]);
    clearInterval(ticker);
    expect(order).toEqual(["small", "large"]);
    expect(littleResult.payloads).toEqual(smallPayloads);
    expect(bigResult.payloads).toHaveLength(1);
    // jimp's 12 MP decode alone blocks for half a second; on the caller's thread the ticker would see it.
    expect(longestStall).toBeLessThan(250);
  });

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
});
