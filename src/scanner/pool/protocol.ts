import type { DueDate } from "../../family/due-date.ts";
import type { ScanErrorCode } from "../errors.ts";
import type { ScanOutcome } from "../scan-bytes.ts";

/** A file to scan, sent to a worker (its bytes are transferred, not copied). */
export interface ScanJobMessage {
  readonly type: "scan";
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly timeBudgetMs: number;
  readonly skipSteps?: readonly string[];
}

/** A picture whose printed due date the worker reads with Tesseract (loaded on the first such job). */
export interface DueDateJobMessage {
  readonly type: "due-date";
  readonly id: number;
  readonly bytes: Uint8Array;
  /** YYYY-MM-DD, Rome's today: a date written without its year is read as the next one. */
  readonly today?: string;
  /** Tesseract gives up on a picture after this long (and its model is loaded again for the next one). */
  readonly timeoutMs: number;
  /** Tesseract's model (~100 MB) is dropped after this long without a due-date job. */
  readonly idleMs: number;
}

export type JobMessage = ScanJobMessage | DueDateJobMessage;

/** A worker's answer to one job, or a line for the pool's log (the worker has no logger of its own). */
export type ResultMessage =
  | { readonly type: "scan"; readonly id: number; readonly ok: true; readonly outcome: ScanOutcome }
  | {
      readonly type: "scan";
      readonly id: number;
      readonly ok: false;
      readonly code: ScanErrorCode;
      readonly message: string;
    }
  | { readonly type: "due-date"; readonly id: number; readonly due: DueDate | null }
  | {
      readonly type: "log";
      readonly level: "debug" | "info" | "warn" | "error";
      readonly message: string;
      readonly fields?: Record<string, unknown>;
    };
