import type { ScanFailureCode } from "../engine/scanner-port.ts";
import type { DueDate } from "../family/due-date.ts";
import type { PaymentNotice } from "../notice/notice.ts";

// What travels between a replica (the producer) and a `pagobot worker` through BullMQ: the only file that knows
// the job's shape, so both sides change together.

/** The queue every replica and worker share unless told otherwise. */
export const defaultScanQueueName = "pagobot-scans";

/** Files up to this size ride inside the job; larger ones go to a Redis key of their own (kept off the job hash). */
export const inlineMaxBytes = 512 * 1024;

/** A file in a job: inline (base64), or the Redis key it was parked under. */
export interface JobFile {
  readonly inline?: string;
  readonly parkedKey?: string;
  readonly byteLength: number;
}

/** A scan job: the file and what the sender said it is. */
export interface ScanJobData extends JobFile {
  readonly mimeType?: string;
  readonly fileName?: string;
}

/**
 * Due-date jobs (Tesseract on a household photo, after its card is shown) go to a queue of their own beside the
 * scans', taken by the same workers: a worker takes at most one at a time, on top of its scans, so a scan never
 * waits in Redis behind pictures being read for a date (in one queue they would take the worker's scan slots).
 */
export function dueDateQueueName(scanQueueName: string): string {
  return `${scanQueueName}-due-dates`;
}

/** A due-date job: the picture, and Rome's today (YYYY-MM-DD) for a date written without its year. */
export interface DueDateJobData extends JobFile {
  readonly today?: string;
}

/** A due-date job's answer. */
export interface DueDateJobResult {
  readonly due: DueDate | null;
  /** From the moment the worker picked the job. */
  readonly readMs: number;
}

/** A job's answer: the notices as the in-process scanner gives them (plain JSON). */
export interface ScanJobResult {
  readonly notices: readonly PaymentNotice[];
  /** A PDF's printed text (the due date is read from it). */
  readonly text?: string;
  /** The scan itself, from the moment the worker picked the job (its budget starts there too). */
  readonly scanMs: number;
}

/**
 * A refusal crosses the queue as the job's failed reason, `scan-refused:<code>`: BullMQ keeps only the message
 * of a failed job, so the engine's ScanFailure code is written into it and read back on the other side.
 */
const refusalPrefix = "scan-refused:";

export function refusalReason(code: ScanFailureCode): string {
  return `${refusalPrefix}${code}`;
}

const knownCodes: ReadonlySet<string> = new Set<ScanFailureCode>([
  "file_too_large",
  "too_many_pixels",
  "unsupported_type",
  "corrupt_file",
  "pdf_encrypted",
  "pdf_too_many_pages",
  "busy",
  "timeout",
  "download_failed",
]);

/** The ScanFailure code a failed reason carries, or null for a crash (which reaches the generic message). */
export function refusalCode(reason: string): ScanFailureCode | null {
  if (!reason.startsWith(refusalPrefix)) return null;
  const code = reason.slice(refusalPrefix.length);
  return knownCodes.has(code) ? (code as ScanFailureCode) : null;
}
