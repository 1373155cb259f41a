/**
 * `npm run bench:scan-queue -- [--burst 10] [--rounds 2]` (needs Redis: REDIS_URL, default 127.0.0.1:6379)
 *
 * The committed notice photos (test/fixtures/scanner) through three set-ups of the same scanner port:
 *   in-process   the embedded default (2 scanner threads in this process, no Redis);
 *   queue-local  the BullMQ queue with this process's own scan worker (2 threads);
 *   queue-child  the queue with this process taking no jobs and one `pagobot worker --concurrency 2` child.
 * For each: the photos one at a time, then in bursts of --burst at once. Prints the decode rate (photos whose
 * expected codes were all read), median and p95 ms from scan() to answer, photos per second, and the burst's
 * decode rate next to the one-at-a-time rate (equal means no photo's time budget shrank under load).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Queue } from "bullmq";
import type { NoticeScanner } from "../src/engine/scanner-port.ts";
import { silentLogger } from "../src/log/logger.ts";
import { createScanService } from "../src/scan-queue/index.ts";
import { bullConnection } from "../src/scan-queue/redis-connection.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const { values } = parseArgs({ options: { burst: { type: "string" }, rounds: { type: "string" } } });
const burst = Number(values.burst ?? "10");
const rounds = Number(values.rounds ?? "2");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

const dir = join(root, "test/fixtures/scanner");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
  images: { file: string; expected: string[] }[];
};
const photos = manifest.images.map((e) => ({ bytes: readFileSync(join(dir, e.file)), expected: e.expected }));

interface Sample {
  ms: number;
  ok: boolean;
}

async function scanOne(scanner: NoticeScanner, photo: (typeof photos)[number]): Promise<Sample> {
  const started = performance.now();
  try {
    const result = await scanner.scan(photo.bytes, {});
    const read = new Set(result.notices.map((n) => n.qrText));
    return { ms: performance.now() - started, ok: photo.expected.every((p) => read.has(p)) };
  } catch {
    return { ms: performance.now() - started, ok: false };
  }
}

function summary(samples: Sample[], wallMs: number) {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return {
    decode: samples.filter((s) => s.ok).length / samples.length,
    p50: at(0.5),
    p95: at(0.95),
    perS: samples.length / (wallMs / 1000),
  };
}

async function measure(name: string, scanner: NoticeScanner) {
  await scanOne(scanner, photos[0] ?? { bytes: Buffer.alloc(0), expected: [] }); // warm-up
  const single: Sample[] = [];
  let started = performance.now();
  for (let r = 0; r < rounds; r++) for (const photo of photos) single.push(await scanOne(scanner, photo));
  const one = summary(single, performance.now() - started);
  const bursty: Sample[] = [];
  const list = Array.from({ length: rounds }, () => photos).flat();
  started = performance.now();
  for (let i = 0; i < list.length; i += burst) {
    bursty.push(...(await Promise.all(list.slice(i, i + burst).map((p) => scanOne(scanner, p)))));
  }
  const many = summary(bursty, performance.now() - started);
  const line = (label: string, s: ReturnType<typeof summary>) =>
    `${name.padEnd(12)} ${label.padEnd(9)} decode=${s.decode.toFixed(2)} p50_ms=${s.p50} p95_ms=${s.p95} photos_per_s=${s.perS.toFixed(2)}`;
  process.stdout.write(`${line("one", one)}\n${line(`burst${burst}`, many)}\n`);
  return { one, many };
}

async function startChildWorker(queueName: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(root, "bin/pagobot.js"), "worker", "--queue", queueName, "--concurrency", "2", "--log-level", "silent"],
    {
      env: { ...process.env, REDIS_URL: redisUrl },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => chunk.toString().includes("scan worker ready") && resolve());
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return child;
}

async function dropQueue(queueName: string) {
  const queue = new Queue(queueName, { connection: bullConnection(redisUrl) });
  await queue.obliterate({ force: true });
  await queue.close();
}

const results: Record<string, Awaited<ReturnType<typeof measure>>> = {};
{
  const service = createScanService({ redisUrl: undefined, logger: silentLogger, workers: 2 });
  results.inProcess = await measure("in-process", service.scanner);
  await service.close();
}
{
  const queueName = `bench-scans-${process.pid}`;
  const service = createScanService({ redisUrl, logger: silentLogger, workers: 2, queueName });
  results.queueLocal = await measure("queue-local", service.scanner);
  await service.close();
  await dropQueue(queueName);
}
{
  const queueName = `bench-scans-child-${process.pid}`;
  const child = await startChildWorker(queueName);
  const service = createScanService({ redisUrl, logger: silentLogger, workers: 0, queueName });
  results.queueChild = await measure("queue-child", service.scanner);
  await service.close();
  child.kill("SIGTERM");
  await new Promise((resolve) => child.once("exit", resolve));
  await dropQueue(queueName);
}
const r = (k: string) => results[k] as Awaited<ReturnType<typeof measure>>;
process.stdout.write(
  `in_process_p50_ms=${r("inProcess").one.p50} queue_p50_ms=${r("queueLocal").one.p50} queue_child_p50_ms=${r("queueChild").one.p50} ` +
    `burst_decode_in_process=${r("inProcess").many.decode.toFixed(2)} burst_decode_queue=${r("queueChild").many.decode.toFixed(2)} ` +
    `one_decode=${r("inProcess").one.decode.toFixed(2)}\n`,
);
