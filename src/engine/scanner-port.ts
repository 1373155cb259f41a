import { PagobotError } from "../errors.ts";
import type { PaymentNotice } from "../notice/notice.ts";

/** Why a file could not be read; the scanner's own codes, plus the engine's own for downloads. */
export type ScanFailureCode =
  | "file_too_large"
  | "too_many_pixels"
  | "unsupported_type"
  | "corrupt_file"
  | "pdf_encrypted"
  | "pdf_too_many_pages"
  | "busy"
  | "timeout"
  | "download_failed";

/** A file that could not be scanned; `code` picks the person's message (error-to-view.ts). */
export class ScanFailure extends PagobotError<ScanFailureCode> {}

/** What a scan found: every pagoPA notice on the sheet, in printed order (QR codes, or a PDF's text). */
export interface ScanResult {
  readonly notices: readonly PaymentNotice[];
  /** A PDF's printed text, when the file was one: the engine looks in it for the due date. */
  readonly text?: string;
}

/**
 * The scanner as the engine sees it; the composition root adapts src/scanner to it. It throws ScanFailure for a
 * file it refuses; a file with no pagoPA code gives an empty list.
 */
export interface NoticeScanner {
  /** Files above this size are refused before they are downloaded. */
  readonly maxFileBytes: number;
  scan(
    bytes: Uint8Array,
    options: { mimeType?: string; fileName?: string; onQueued?: () => void },
  ): Promise<ScanResult>;
}
