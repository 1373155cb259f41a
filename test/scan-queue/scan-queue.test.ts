import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Queue, QueueEvents } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { ScanFailure } from "../../src/engine/scanner-port.ts";
import { silentLogger } from "../../src/log/logger.ts";
import {
  createQueuedScanner,
  createScanWorker,
  type QueuedScanner,
  type ScanWorker,
} from "../../src/scan-queue/index.ts";
import { dueDateQueueName } from "../../src/scan-queue/protocol.ts";
import { bullConnection } from "../../src/scan-queue/redis-connection.ts";
import { printedPicture } from "../helpers/printed-picture.ts";
import { fixtureDir, readManifest } from "../scanner/corpus.ts";
import { removeScanQueues } from "./remove-queues.ts";

const redisUrl = process.env.REDIS_URL;
const bin = fileURLToPath(new URL("../../bin/pagobot.js", import.meta.url));
const manifest = readManifest(fixtureDir);
const fixture = (file: string) => {
  const entry = manifest.find((e) => e.file === file);
  if (entry === undefined) throw new Error(`no fixture ${file}`);
  return { bytes: readFileSync(join(fixtureDir, file)), expected: entry.expected };
};
// A quick single-code photo, and the slowest committed one (a 12 MP photo: seconds of work, time to kill a worker).
const quick = fixture("dev-0094.jpg");
const slow = fixture("dev-0035.jpg");
const payloadsOf = (result: { notices: readonly { qrText: string | null }[] }) => result.notices.map((n) => n.qrText);

// These suites need a real Redis (BullMQ runs Lua scripts and blocking commands); CI sets REDIS_URL.
describe.skipIf(redisUrl === undefined)("scans through the Redis queue", () => {
  const url = redisUrl ?? "";
  const closers: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });
  const queueName = () => `test-scans-${randomUUID().slice(0, 8)}`;
  const producer = (name: string, extra: Partial<Parameters<typeof createQueuedScanner>[0]> = {}): QueuedScanner => {
    const scanner = createQueuedScanner({ redisUrl: url, logger: silentLogger, queueName: name, ...extra });
    closers.push(async () => {
      await scanner.close();
      await removeScanQueues(url, name);
    });
    return scanner;
  };
  const worker = (name: string, extra: Partial<Parameters<typeof createScanWorker>[0]> = {}): ScanWorker => {
    const w = createScanWorker({ redisUrl: url, logger: silentLogger, queueName: name, concurrency: 1, ...extra });
    closers.push(() => w.close());
    return w;
  };
  const childWorker = async (name: string, args: string[] = []): Promise<ChildProcess> => {
    const child = spawn(process.execPath, [bin, "worker", "--queue", name, "--concurrency", "1", ...args], {
      env: { ...process.env, REDIS_URL: url, LOG_LEVEL: "silent" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    closers.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    });
    await new Promise<void>((resolve, reject) => {
      let out = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("scan worker ready")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`pagobot worker exited with ${code} before it was ready`)));
    });
    return child;
  };

  it("reads a photo's notice through a worker in this process", async () => {
    const name = queueName();
    await worker(name).ready();
    const result = await producer(name).scan(quick.bytes, { mimeType: "image/jpeg" });
    expect(payloadsOf(result)).toEqual(quick.expected);
    expect(result.notices[0]?.amountCents).toBe(Number(quick.expected[0]?.split("|")[4]));
  });

  it("parks a large file in Redis rather than in the job, and still reads it", async () => {
    const name = queueName();
    await worker(name).ready();
    const scanner = producer(name, { inlineMaxBytes: 1024 });
    const result = await scanner.scan(quick.bytes, {});
    expect(payloadsOf(result)).toEqual(quick.expected);
    const queue = new Queue(name, { connection: bullConnection(url) });
    closers.push(() => queue.close());
    const [job] = await queue.getCompleted();
    expect(job?.data.inline).toBeUndefined();
    expect(job?.data.parkedKey).toMatch(new RegExp(`^${name}:file:`));
    // The parked copy is removed once the answer is in.
    expect(await (await queue.client).get(job?.data.parkedKey ?? "")).toBeNull();
  });

  it("reads a photo through `pagobot worker` running in another process", async () => {
    const name = queueName();
    await childWorker(name);
    const result = await producer(name).scan(quick.bytes, { mimeType: "image/jpeg" });
    expect(payloadsOf(result)).toEqual(quick.expected);
  });

  it("reads a picture's printed due date through `pagobot worker` in another process (its own queue beside the scans')", async () => {
    const name = queueName();
    await childWorker(name);
    const scanner = producer(name);
    const picture = await printedPicture([
      "242,41 Euro",
      "entro il 04/01/2025",
      "Codice avviso 3020 1672 3749 6700 00",
    ]);
    expect(await scanner.readDueDate(picture, "2024-12-01")).toMatchObject({ date: "2025-01-04", source: "read" });
    // Read by the worker, through Redis: the job is in the due-date queue, answered.
    const dueQueue = new Queue(dueDateQueueName(name), { connection: bullConnection(url) });
    closers.push(async () => {
      await dueQueue.obliterate({ force: true });
      await dueQueue.close();
    });
    const [job] = await dueQueue.getCompleted();
    expect(job?.returnvalue).toMatchObject({ due: { date: "2025-01-04" } });
  }, 90_000);

  it("leaves a picture without a due date when no worker reads it in time, and takes the job back", async () => {
    const name = queueName();
    const scanner = producer(name, { dueDateWaitMs: 300 });
    const picture = await printedPicture(["entro il 04/01/2025"]);
    expect(await scanner.readDueDate(picture, "2024-12-01")).toBeNull();
    const dueQueue = new Queue(dueDateQueueName(name), { connection: bullConnection(url) });
    closers.push(async () => {
      await dueQueue.obliterate({ force: true });
      await dueQueue.close();
    });
    expect(await dueQueue.getWaitingCount()).toBe(0);
  });

  it("gives a file the scanner refuses the same ScanFailure code as the in-process port, without retrying it", async () => {
    const name = queueName();
    await worker(name).ready();
    const scanner = producer(name);
    const refusal = await scanner.scan(new TextEncoder().encode("not an image at all"), {}).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ScanFailure);
    expect((refusal as ScanFailure).code).toBe("unsupported_type");
    const queue = new Queue(name, { connection: bullConnection(url) });
    closers.push(() => queue.close());
    const [failed] = await queue.getFailed();
    expect(failed?.attemptsMade).toBe(1);
  });

  it("refuses an oversized file before queueing it", async () => {
    const name = queueName();
    const scanner = producer(name, { maxFileBytes: 1000 });
    const refusal = await scanner.scan(new Uint8Array(1001), {}).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ScanFailure);
    expect((refusal as ScanFailure).code).toBe("file_too_large");
    const queue = new Queue(name, { connection: bullConnection(url) });
    closers.push(() => queue.close());
    const counts = await queue.getJobCounts("waiting", "active", "completed", "failed", "delayed");
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it("answers busy when no worker takes the photo in time, and takes the job back", async () => {
    const name = queueName();
    const queued: number[] = [];
    const scanner = producer(name, { waitMs: 600, queuedAfterMs: 100 });
    const refusal = await scanner.scan(quick.bytes, { onQueued: () => queued.push(1) }).catch((e: unknown) => e);
    expect((refusal as ScanFailure).code).toBe("busy");
    // The person was told their photo waits in line.
    expect(queued).toEqual([1]);
    const queue = new Queue(name, { connection: bullConnection(url) });
    closers.push(() => queue.close());
    expect(await queue.getWaitingCount()).toBe(0);
  });

  it("hands the photo of a worker killed mid-scan to another worker (stalled-job recovery)", async () => {
    const name = queueName();
    const lock = ["--lock-ms", "1500", "--stalled-ms", "500"];
    const doomed = await childWorker(name, lock);
    const events = new QueueEvents(name, { connection: bullConnection(url) });
    closers.push(() => events.close());
    await events.waitUntilReady();
    const stalled: string[] = [];
    events.on("stalled", ({ jobId }) => stalled.push(jobId));
    const active = new Promise<void>((resolve) => events.once("active", () => resolve()));
    const scanning = producer(name, { waitMs: 60_000 }).scan(slow.bytes, { mimeType: "image/jpeg" });
    await active;
    doomed.kill("SIGKILL");
    await new Promise((resolve) => doomed.once("exit", resolve));
    // Only now does a second worker exist: if the photo is read, it was read by this one, after the first died.
    await worker(name, { lockDurationMs: 1500, stalledIntervalMs: 500 }).ready();
    const result = await scanning;
    expect(payloadsOf(result)).toEqual(slow.expected);
    expect(stalled).toHaveLength(1);
  }, 60_000);
});
