import { PagobotError } from "../errors.ts";

/** Why a file could not be scanned. "No code found" is not among them: that is an empty result. */
export type ScanErrorCode =
  | "file_too_large"
  | "too_many_pixels"
  | "unsupported_type"
  | "corrupt_file"
  | "pdf_encrypted"
  | "pdf_too_many_pages"
  | "busy"
  | "timeout"
  | "aborted"
  | "closed"
  | "scan_failed";

export class ScanError extends PagobotError<ScanErrorCode> {}
