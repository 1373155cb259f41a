import { type NoticeScanner, ScanFailure, type ScanFailureCode } from "../engine/scanner-port.ts";
import { limits, ScanError, type Scanner } from "../scanner/index.ts";

/** The scanner's refusals the engine words for people; the rest (a crash inside it) reach the generic message. */
const worded: Partial<Record<ScanError["code"], ScanFailureCode>> = {
  file_too_large: "file_too_large",
  too_many_pixels: "too_many_pixels",
  unsupported_type: "unsupported_type",
  corrupt_file: "corrupt_file",
  pdf_encrypted: "pdf_encrypted",
  pdf_too_many_pages: "pdf_too_many_pages",
  busy: "busy",
  timeout: "timeout",
  // Shutting down, or a cancelled scan: to the person it is the same as a busy scanner.
  closed: "busy",
  aborted: "busy",
};

/** The engine's NoticeScanner over src/scanner: same limits, its refusals as the engine's ScanFailure codes. */
export function scannerPort(scanner: Scanner): NoticeScanner {
  return {
    maxFileBytes: limits.maxFileBytes,
    async scan(bytes, options) {
      try {
        const result = await scanner.scan(bytes, {
          ...(options.mimeType === undefined ? {} : { mimeType: options.mimeType }),
          ...(options.fileName === undefined ? {} : { fileName: options.fileName }),
          onQueued: () => options.onQueued?.(),
        });
        return { notices: result.notices, ...(result.text === undefined ? {} : { text: result.text }) };
      } catch (error) {
        const code = error instanceof ScanError ? worded[error.code] : undefined;
        if (code === undefined) throw error;
        throw new ScanFailure(code, (error as Error).message, { cause: error });
      }
    },
  };
}
