import { randomUUID } from "node:crypto";
import { Queue, QueueEvents } from "bullmq";
import { type NoticeScanner, ScanFailure, type ScanResult } from "../engine/scanner-port.ts";
import type { DueDate } from "../family/due-date.ts";
import type { Logger } from "../log/logger.ts";
import { worthReading } from "../ocr/ocr-input.ts";
import { limits } from "../scanner/index.ts";
import {
  type DueDateJobData,
  type DueDateJobResult,
  defaultScanQueueName,
  dueDateQueueName,
  inlineMaxBytes,
  type JobFile,
  refusalCode,
  type ScanJobData,
  type ScanJobResult,
} from "./protocol.ts";
import { bullConnection } from "./redis-connection.ts";

export interface QueuedScannerOptions {
  readonly redisUrl: string;
  readonly logger: Logger;
  /** Every replica and worker of one deployment use the same name (tests use a fresh one each). */
  readonly queueName?: string;
  /** Refused before queueing (default the scanner's own limit, 20 MB). */
  readonly maxFileBytes?: number;
  /** How long a scan may wait for a worker's answer, queueing included (default 30 s). */
  readonly waitMs?: number;
  /** Scans already waiting above which a new one is refused as `busy` (default 200). */
  readonly maxWaiting?: number;
  /** A job not picked within this long tells the person it is queued (default 300 ms). */
  readonly queuedAfterMs?: number;
  /** Files above this size are parked in a Redis key of their own rather than in the job (default 512 KB). */
  readonly inlineMaxBytes?: number;
  /** Tries per photo: a worker that crashes or dies mid-scan leaves it to another (default 3). */
  readonly attempts?: number;
  /** How long a due-date read may take, queueing included, before the picture is left without one (default 40 s). */
  readonly dueDateWaitMs?: number;
  /** Due-date reads already waiting above which a new one is not queued (default 8): OCR is never a backlog. */
  readonly maxDueDatesWaiting?: number;
}

/** The engine's NoticeScanner over a BullMQ queue; `close` lets go of its Redis connections. */
export interface QueuedScanner extends NoticeScanner {
  /** A picture's printed due date, read by whichever worker takes it; null when none is read in time. */
  readDueDate(image: Uint8Array, today?: string): Promise<DueDate | null>;
  close(): Promise<void>;
}

/**
 * A scanner port whose scans run in whichever `pagobot worker` (or replica running a scan worker) takes them.
 * The file rides in the job (or, above 512 KB, in a Redis key of its own that expires; base64 either way); the worker's answer comes back
 * through BullMQ's queue events. Refusals come back as the same ScanFailure codes the in-process port throws.
 * @example
 * const scanner = createQueuedScanner({ redisUrl: "redis://127.0.0.1:6379", logger });
 * const { notices } = await scanner.scan(photo, { mimeType: "image/jpeg" });
 */
export function createQueuedScanner(options: QueuedScannerOptions): QueuedScanner {
  const logger = options.logger.child({ module: "scan-queue" });
  const name = options.queueName ?? defaultScanQueueName;
  const connection = bullConnection(options.redisUrl);
  const queue = new Queue<ScanJobData, ScanJobResult>(name, { connection });
  const events = new QueueEvents(name, { connection });
  const maxFileBytes = options.maxFileBytes ?? limits.maxFileBytes;
  const waitMs = options.waitMs ?? 30_000;
  const maxWaiting = options.maxWaiting ?? 200;
  const queuedAfterMs = options.queuedAfterMs ?? 300;
  const attempts = options.attempts ?? 3;
  const inlineMax = options.inlineMaxBytes ?? inlineMaxBytes;
  // Jobs this process waits on, so that the one `active` listener can stop each one's "queued" timer.
  const picked = new Map<string, () => void>();
  events.on("active", ({ jobId }) => picked.get(jobId)?.());
  const ready = events.waitUntilReady();

  const dueDateWaitMs = options.dueDateWaitMs ?? 40_000;
  const maxDueDatesWaiting = options.maxDueDatesWaiting ?? 8;
  // Due dates are read for households only: their queue's connections open on the first one.
  let dueDateQueue: { queue: Queue<DueDateJobData, DueDateJobResult>; events: QueueEvents } | undefined;
  const dueDates = () => {
    if (dueDateQueue === undefined) {
      const due = dueDateQueueName(name);
      dueDateQueue = { queue: new Queue(due, { connection }), events: new QueueEvents(due, { connection }) };
    }
    return dueDateQueue;
  };

  const park = async (bytes: Uint8Array): Promise<Pick<JobFile, "inline" | "parkedKey">> => {
    if (bytes.byteLength <= inlineMax) return { inline: Buffer.from(bytes).toString("base64") };
    const key = `${name}:file:${randomUUID()}`;
    // Expires on its own if this replica dies before cleaning up; a little longer than anyone waits for it.
    await (await queue.client).set(key, Buffer.from(bytes).toString("base64"), { PX: waitMs + 60_000 });
    return { parkedKey: key };
  };

  return {
    maxFileBytes,
    async scan(bytes, scanOptions): Promise<ScanResult> {
      if (bytes.byteLength > maxFileBytes) {
        throw new ScanFailure("file_too_large", `file of ${bytes.byteLength} bytes is over ${maxFileBytes}`);
      }
      await ready;
      if ((await queue.getWaitingCount()) >= maxWaiting) {
        throw new ScanFailure("busy", `${maxWaiting} scans are already waiting for a worker`);
      }
      const file = await park(bytes);
      const data: ScanJobData = {
        ...file,
        byteLength: bytes.byteLength,
        ...(scanOptions.mimeType === undefined ? {} : { mimeType: scanOptions.mimeType }),
        ...(scanOptions.fileName === undefined ? {} : { fileName: scanOptions.fileName }),
      };
      const job = await queue.add("scan", data, {
        attempts,
        backoff: { type: "fixed", delay: 100 },
        // Kept a while after the answer, so that a waiter that subscribes late still finds it.
        removeOnComplete: { age: 600, count: 10_000 },
        removeOnFail: { age: 3600, count: 10_000 },
      });
      const jobId = job.id ?? "";
      const timer = setTimeout(() => scanOptions.onQueued?.(), queuedAfterMs);
      picked.set(jobId, () => clearTimeout(timer));
      try {
        const value = (await job.waitUntilFinished(events, waitMs)) as ScanJobResult | string;
        const result: ScanJobResult = typeof value === "string" ? (JSON.parse(value) as ScanJobResult) : value;
        return { notices: result.notices, ...(result.text === undefined ? {} : { text: result.text }) };
      } catch (error) {
        throw await failureOf(error, jobId);
      } finally {
        clearTimeout(timer);
        picked.delete(jobId);
        if (file.parkedKey !== undefined) await (await queue.client).del(file.parkedKey);
      }
    },
    async readDueDate(image, today) {
      if (!worthReading(image)) return null;
      const { queue: due, events: dueEvents } = dueDates();
      let file: Pick<JobFile, "inline" | "parkedKey"> | undefined;
      let jobId: string | undefined;
      try {
        await dueEvents.waitUntilReady();
        if ((await due.getWaitingCount()) >= maxDueDatesWaiting) return null;
        file = await park(image);
        const data: DueDateJobData = {
          ...file,
          byteLength: image.byteLength,
          ...(today === undefined ? {} : { today }),
        };
        // One try: a worker that dies mid-read costs the picture its date, not a second Tesseract run.
        const job = await due.add("due-date", data, {
          removeOnComplete: { age: 600, count: 10_000 },
          removeOnFail: { age: 3600, count: 10_000 },
        });
        jobId = job.id;
        const value = (await job.waitUntilFinished(dueEvents, dueDateWaitMs)) as DueDateJobResult | string;
        const result: DueDateJobResult = typeof value === "string" ? (JSON.parse(value) as DueDateJobResult) : value;
        return result.due;
      } catch (error) {
        logger.info("due date not read through the queue", { jobId, reason: (error as Error).message });
        // Not taken in time: taken back, so no worker reads a picture nobody waits for.
        const job = jobId === undefined ? undefined : await due.getJob(jobId).catch(() => undefined);
        if (job !== undefined && (await job.getState().catch(() => "unknown")) === "waiting") {
          await job.remove().catch(() => undefined);
        }
        return null;
      } finally {
        if (file?.parkedKey !== undefined) await (await queue.client).del(file.parkedKey);
      }
    },
    async close() {
      await events.close();
      await queue.close();
      await dueDateQueue?.events.close();
      await dueDateQueue?.queue.close();
    },
  };

  /** A failed or unanswered job as the engine's error: a refusal keeps its code; no answer is busy or timeout. */
  async function failureOf(error: unknown, jobId: string): Promise<unknown> {
    const reason = error instanceof Error ? error.message : String(error);
    const code = refusalCode(reason);
    if (code !== null) return new ScanFailure(code, `the scan worker refused the file (${code})`);
    if (!reason.includes("timed out before finishing")) {
      logger.warn("queued scan failed", { jobId, reason });
      return error;
    }
    const job = await queue.getJob(jobId);
    const state = job === undefined ? "unknown" : await job.getState();
    if (state === "waiting" || state === "delayed" || state === "prioritized") {
      // Nobody picked it up in time: take it back, so no worker spends time on a photo no one waits for.
      await job?.remove().catch(() => undefined);
      return new ScanFailure("busy", `no scan worker took the file within ${waitMs} ms`);
    }
    return new ScanFailure("timeout", `the scan worker did not answer within ${waitMs} ms`);
  }
}
