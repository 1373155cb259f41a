import { scannerPort } from "../app/scanner-port.ts";
import type { DueDateReader } from "../engine/due-date-port.ts";
import type { NoticeScanner } from "../engine/scanner-port.ts";
import type { Logger } from "../log/logger.ts";
import { createScanner } from "../scanner/index.ts";
import { createQueuedScanner } from "./producer.ts";
import { createScanWorker, type ScanWorker } from "./worker.ts";

export interface ScanServiceOptions {
  /** A Redis to queue scans in, or undefined for the embedded default (scans in this process's threads). */
  readonly redisUrl: string | undefined;
  readonly logger: Logger;
  /**
   * Scanner threads in this process (default 2). With Redis, 0 leaves every scan to `pagobot worker`s: this
   * process only queues. Without Redis nobody else would scan, so at least one thread runs.
   */
  readonly workers?: number;
  readonly queueName?: string;
}

/** The engine's scanner and due-date reader, and what must be closed at shutdown. */
export interface ScanService {
  readonly scanner: NoticeScanner;
  /** Household photos' printed due dates, read by Tesseract in the same scanner threads (or queue). */
  readonly dueDates: DueDateReader;
  close(): Promise<void>;
}

/**
 * One call for the composition root. Without Redis: today's in-process pool behind the port. With Redis: scans
 * and due-date reads go through the queue, and this replica also takes jobs with its own threads (unless
 * `workers` is 0), so a deployment scans with no dedicated worker and every `pagobot worker` added shares the load.
 */
export function createScanService(options: ScanServiceOptions): ScanService {
  const workers = options.workers ?? 2;
  if (options.redisUrl === undefined) {
    // createScanner with 0 threads would scan on the event loop, stalling every chat while a photo is read.
    const scanner = createScanner({ logger: options.logger, workers: Math.max(1, workers) });
    return {
      scanner: scannerPort(scanner),
      dueDates: { read: (image, today) => scanner.readDueDate(image, today) },
      close: () => scanner.close(),
    };
  }
  const queueName = options.queueName === undefined ? {} : { queueName: options.queueName };
  const producer = createQueuedScanner({ redisUrl: options.redisUrl, logger: options.logger, ...queueName });
  const worker: ScanWorker | null =
    workers > 0
      ? createScanWorker({ redisUrl: options.redisUrl, logger: options.logger, concurrency: workers, ...queueName })
      : null;
  return {
    scanner: producer,
    dueDates: { read: (image, today) => producer.readDueDate(image, today) },
    async close() {
      await worker?.close();
      await producer.close();
    },
  };
}
