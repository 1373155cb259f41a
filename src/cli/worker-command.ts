import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { createLogger } from "../log/logger.ts";
import { createScanWorker, defaultScanQueueName, scanQueueRedisUrl } from "../scan-queue/index.ts";
import type { CliCommand } from "./command.ts";

const usage = `Usage: pagobot worker [--concurrency <cores>] [--queue ${defaultScanQueueName}] [--lock-ms 30000] [--stalled-ms 30000]
                      [--log-level info]

Scans the photos and PDFs the replicas queue in Redis (REDIS_URL, or STORE_URL when it is redis://), and reads
household photos' printed due dates (Tesseract, one at a time, never ahead of a scan).
Run one or more beside the replicas; each scans --concurrency files at once, one thread each (default: one per
core, os.availableParallelism()).
A worker that dies mid-scan leaves its job to another after --lock-ms. Stop it with Ctrl+C.`;

/** `pagobot worker`: a scan worker until SIGINT/SIGTERM. */
export const runWorker: CliCommand = {
  usage,
  async run(args, io) {
    let values: ReturnType<typeof parse>;
    try {
      values = parse(args);
    } catch (error) {
      io.err(`pagobot worker: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    // biome-ignore lint/style/noProcessEnv: REDIS_URL is read beside STORE_URL only here until src/config knows it.
    const redisUrl = scanQueueRedisUrl(process.env);
    if (redisUrl === undefined) {
      io.err("pagobot worker: set REDIS_URL (or STORE_URL=redis://…): the worker takes its jobs from Redis");
      return 2;
    }
    const numbers = {
      concurrency: values.concurrency === undefined ? availableParallelism() : Number(values.concurrency),
      lockMs: values["lock-ms"] === undefined ? undefined : Number(values["lock-ms"]),
      stalledMs: values["stalled-ms"] === undefined ? undefined : Number(values["stalled-ms"]),
    };
    const positive = (n: number | undefined) => n === undefined || (Number.isInteger(n) && n > 0);
    if (!positive(numbers.concurrency) || !positive(numbers.lockMs) || !positive(numbers.stalledMs)) {
      io.err(`pagobot worker: bad option value\n\n${usage}`);
      return 2;
    }
    const logger = createLogger({ level: values["log-level"] ?? "info" });
    const worker = createScanWorker({
      redisUrl,
      logger,
      concurrency: numbers.concurrency,
      ...(values.queue === undefined ? {} : { queueName: values.queue }),
      ...(numbers.lockMs === undefined ? {} : { lockDurationMs: numbers.lockMs }),
      ...(numbers.stalledMs === undefined ? {} : { stalledIntervalMs: numbers.stalledMs }),
    });
    await worker.ready();
    io.out(`scan worker ready (queue ${values.queue ?? defaultScanQueueName}, concurrency ${numbers.concurrency})`);
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await worker.close();
    return 0;
  },
};

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      concurrency: { type: "string" },
      queue: { type: "string" },
      "lock-ms": { type: "string" },
      "stalled-ms": { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
  }).values;
}
