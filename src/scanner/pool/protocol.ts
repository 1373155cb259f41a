import type { ScanErrorCode } from "../errors.ts";
import type { ScanOutcome } from "../scan-bytes.ts";

/** A file to scan, sent to a worker (its bytes are transferred, not copied). */
export interface JobMessage {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly timeBudgetMs: number;
  readonly skipSteps?: readonly string[];
}

/** A worker's answer to one job. */
export type ResultMessage =
  | { readonly id: number; readonly ok: true; readonly outcome: ScanOutcome }
  | { readonly id: number; readonly ok: false; readonly code: ScanErrorCode; readonly message: string };
