import type { DueDate } from "../family/due-date.ts";
import type { Logger } from "../log/logger.ts";
import type { PaymentNotice } from "../notice/index.ts";
import type { DueDateOcr } from "../ocr/due-date-ocr.ts";
import { worthReading } from "../ocr/ocr-input.ts";
import { ScanError } from "./errors.ts";
import { ScanPool } from "./pool/pool.ts";

export { ScanError, type ScanErrorCode } from "./errors.ts";
export { limits } from "./limits.ts";

export interface ScanOptions {
  /** What the sender said the file is; informational only: the bytes decide. */
  mimeType?: string;
  fileName?: string;
  signal?: AbortSignal;
  /** Called while the scan waits for a worker: 1 means it is next ("many notices at once, yours is next"). */
  onQueued?(position: number): void;
}

export interface ScanResult {
  /**
   * pagoPA QR texts as read, in print order (top to bottom), each once; or, when no QR code could be read
   * on a photo, the Poste Data Matrix texts read instead (`source` "image-datamatrix").
   */
  payloads: string[];
  /** The payloads parsed, or the notices read from a PDF's text when it has no readable QR. */
  notices: PaymentNotice[];
  source: "image" | "image-datamatrix" | "pdf-image" | "pdf-text";
  /** A PDF's printed text (capped at 20,000 characters): what else the notice says, such as its due date. */
  text?: string;
  /** From the call to the answer, waiting for a worker included. */
  ms: number;
}

export interface Scanner {
  /** Reads every pagoPA QR code in an image or PDF. No code is an empty result; bad input a `ScanError`. */
  scan(bytes: Uint8Array, options?: ScanOptions): Promise<ScanResult>;
  /**
   * The due date printed on a picture (Tesseract, in the same workers), or null: none legible, a PDF, too slow,
   * too many waiting. Never delays a scan: scans go first, and one more worker starts rather than keep one waiting.
   * `today` (YYYY-MM-DD) completes a date written without its year.
   */
  readDueDate(image: Uint8Array, today?: string): Promise<DueDate | null>;
  close(): Promise<void>;
}

export interface ScannerOptions {
  logger: Logger;
  /** Worker threads (default 2). 0 scans on the calling thread: for tools, never for the chat. */
  workers?: number;
  /** Scans that may wait for a worker (default 8); one more gets `busy`. */
  maxQueue?: number;
  /**
   * Time per file, decoding included, after which the search returns what it has (default 1200 ms): the scanning
   * thread's own CPU time, at most 4× that in wall time (read/deadline.ts).
   */
  timeBudgetMs?: number;
  /** Search steps to leave out, by name (for the benchmark's ablations). */
  skipSteps?: readonly string[];
  /**
   * A worker without work for this long is stopped, and started again when a file comes (default 30 s: a
   * restart costs about half a second, an idle worker tens of megabytes).
   */
  idleStopMs?: number;
  /** Tesseract gives up on a picture after this long (default 20 s). */
  dueDateTimeoutMs?: number;
  /** A worker drops Tesseract's model (~100 MB) after this long without a due date to read (default 30 s). */
  dueDateIdleMs?: number;
  /** Due-date reads that may wait (default 8); past that a picture is left without one. */
  maxDueDateQueue?: number;
}

/** Creates the scanner the engine uses: a small worker pool, or inline work when `workers` is 0. */
export function createScanner(options: ScannerOptions): Scanner {
  const logger = options.logger.child({ module: "scanner" });
  const timeBudgetMs = options.timeBudgetMs ?? 1200;
  const job = (bytes: Uint8Array) => ({ bytes, timeBudgetMs, skipSteps: options.skipSteps });
  const workers = options.workers ?? 2;
  const pool =
    workers > 0
      ? new ScanPool({
          size: workers,
          maxQueue: options.maxQueue ?? 8,
          // Decoding cannot be interrupted and is bounded by the pixel limit; this only catches a stuck worker.
          hardTimeoutMs: Math.max(15_000, timeBudgetMs * 10),
          idleStopMs: options.idleStopMs ?? 30_000,
          ...(options.dueDateTimeoutMs === undefined ? {} : { dueDateTimeoutMs: options.dueDateTimeoutMs }),
          ...(options.dueDateIdleMs === undefined ? {} : { dueDateIdleMs: options.dueDateIdleMs }),
          ...(options.maxDueDateQueue === undefined ? {} : { maxDueDateQueue: options.maxDueDateQueue }),
          logger,
        })
      : null;
  // Without workers (tools only), Tesseract runs in a thread of its own, as it does inside each worker.
  let inlineOcr: Promise<DueDateOcr> | undefined;
  const ocrInline = () => {
    inlineOcr ??= import("../ocr/due-date-ocr.ts").then(({ createDueDateOcr }) =>
      createDueDateOcr({
        logger,
        ...(options.dueDateTimeoutMs === undefined ? {} : { timeoutMs: options.dueDateTimeoutMs }),
        ...(options.dueDateIdleMs === undefined ? {} : { idleMs: options.dueDateIdleMs }),
      }),
    );
    return inlineOcr;
  };

  return {
    async scan(bytes, scanOptions = {}) {
      const started = performance.now();
      const outcome =
        pool !== null
          ? await pool.run(job(bytes), { signal: scanOptions.signal, onQueued: scanOptions.onQueued })
          : await inline(bytes, timeBudgetMs, options.skipSteps, scanOptions.signal);
      const ms = Math.round(performance.now() - started);
      logger.debug("scanned", { ms, codes: outcome.payloads.length, source: outcome.source });
      return { ...outcome, ms };
    },
    async readDueDate(image, today) {
      if (!worthReading(image)) return null;
      if (pool !== null) return pool.readDueDate({ bytes: image, ...(today === undefined ? {} : { today }) });
      return (await ocrInline()).read(image, today);
    },
    async close() {
      await pool?.close();
      await (await inlineOcr)?.close();
    },
  };
}

// The decoders and the search are loaded on the calling thread only when it scans itself (workers: 0): with
// workers, the chat's thread never runs them, and loading them there cost it ~17 MB for as long as it lives.
let scanBytesLoaded: Promise<typeof import("./scan-bytes.ts")> | undefined;

async function inline(
  bytes: Uint8Array,
  timeBudgetMs: number,
  skipSteps: readonly string[] | undefined,
  signal: AbortSignal | undefined,
) {
  if (signal?.aborted) throw new ScanError("aborted", "the scan was cancelled");
  try {
    scanBytesLoaded ??= import("./scan-bytes.ts");
    const { scanBytes } = await scanBytesLoaded;
    return await scanBytes(bytes, { timeBudgetMs, skipSteps });
  } catch (error) {
    if (error instanceof ScanError) throw error;
    throw new ScanError("scan_failed", "the file could not be scanned", { cause: error });
  }
}
