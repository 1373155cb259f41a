import { availableParallelism } from "node:os";
import { UnrecoverableError, Worker } from "bullmq";
import { scannerPort } from "../app/scanner-port.ts";
import { ScanFailure } from "../engine/scanner-port.ts";
import type { Logger } from "../log/logger.ts";
import { createScanner } from "../scanner/index.ts";
import {
  type DueDateJobData,
  type DueDateJobResult,
  defaultScanQueueName,
  dueDateQueueName,
  type JobFile,
  refusalReason,
  type ScanJobData,
  type ScanJobResult,
} from "./protocol.ts";
import { bullConnection } from "./redis-connection.ts";

export interface ScanWorkerOptions {
  readonly redisUrl: string;
  readonly logger: Logger;
  /**
   * Photos scanned at once, one scanner thread each. Default: one per core this process may use. More threads
   * than cores read no more photos a second (each scan's budget is its own CPU time, so they only take longer).
   */
  readonly concurrency?: number;
  readonly queueName?: string;
  /** Time per file, from the moment this worker picks it, in its thread's CPU time (default the scanner's 1200 ms). */
  readonly timeBudgetMs?: number;
  /** How long a job stays locked without a renewal before another worker may take it (default 30 s). */
  readonly lockDurationMs?: number;
  /** How often workers look for jobs whose worker died (default 30 s). */
  readonly stalledIntervalMs?: number;
}

/** A running scan worker. */
export interface ScanWorker {
  /** Resolves once it is connected and taking jobs. */
  ready(): Promise<void>;
  /** Finishes the scans in hand, then lets go of Redis and the scanner threads. */
  close(): Promise<void>;
}

/**
 * Takes scan jobs from the queue and runs them on the in-process scanner. Its thread pool is as large as its
 * concurrency and its own queue no longer, so a job is scanned the moment it is picked: a photo's time budget
 * does not shrink because others are waiting (they wait in Redis, where the budget has not started).
 * A refusal (a corrupt file, too many pixels) is final; a crash is retried, by this or another worker.
 * It also takes due-date jobs from the queue beside, one at a time, read by Tesseract in the same threads; the
 * pool never lets one keep a scan waiting.
 */
export function createScanWorker(options: ScanWorkerOptions): ScanWorker {
  const logger = options.logger.child({ module: "scan-worker" });
  const concurrency = options.concurrency ?? availableParallelism();
  const scanner = createScanner({
    logger,
    workers: concurrency,
    maxQueue: concurrency,
    ...(options.timeBudgetMs === undefined ? {} : { timeBudgetMs: options.timeBudgetMs }),
  });
  const port = scannerPort(scanner);
  const worker = new Worker<ScanJobData, ScanJobResult>(
    options.queueName ?? defaultScanQueueName,
    async (job) => {
      const bytes = await fileOf(job.data);
      const started = performance.now();
      try {
        const result = await port.scan(bytes, {
          ...(job.data.mimeType === undefined ? {} : { mimeType: job.data.mimeType }),
          ...(job.data.fileName === undefined ? {} : { fileName: job.data.fileName }),
        });
        return {
          notices: result.notices,
          ...(result.text === undefined ? {} : { text: result.text }),
          scanMs: Math.round(performance.now() - started),
        };
      } catch (error) {
        // Our own pool full is not the file's fault: let BullMQ try again. Anything the file caused is final.
        if (error instanceof ScanFailure && error.code !== "busy")
          throw new UnrecoverableError(refusalReason(error.code));
        throw error;
      }
    },
    {
      connection: bullConnection(options.redisUrl),
      concurrency,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    },
  );
  worker.on("failed", (job, error) => logger.info("scan job failed", { jobId: job?.id, reason: error.message }));
  worker.on("error", (error) => logger.warn("scan worker error", { error }));
  const dueDates = new Worker<DueDateJobData, DueDateJobResult>(
    dueDateQueueName(options.queueName ?? defaultScanQueueName),
    async (job) => {
      const image = await fileOf(job.data);
      const started = performance.now();
      const due = await scanner.readDueDate(image, job.data.today);
      return { due, readMs: Math.round(performance.now() - started) };
    },
    {
      connection: bullConnection(options.redisUrl),
      // One picture at a time: Tesseract takes a core flat out, and the scans need the rest.
      concurrency: 1,
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
    },
  );
  dueDates.on("error", (error) => logger.warn("due-date worker error", { error }));

  async function fileOf(data: JobFile): Promise<Uint8Array> {
    if (data.inline !== undefined) return Buffer.from(data.inline, "base64");
    const parked = data.parkedKey === undefined ? null : await (await worker.client).get(data.parkedKey);
    // The producer gave up and its file expired: nobody waits for this scan any more.
    if (parked === null) throw new UnrecoverableError(refusalReason("busy"));
    return Buffer.from(parked, "base64");
  }

  return {
    ready: () => Promise.all([worker.waitUntilReady(), dueDates.waitUntilReady()]).then(() => undefined),
    async close() {
      await Promise.all([worker.close(), dueDates.close()]);
      await scanner.close();
    },
  };
}
