import { type NoticeScanner, ScanFailure } from "../engine/scanner-port.ts";
import type { Metrics } from "./metrics.ts";

/** The same scanner, counting each scan and its latency in `metrics`; what it returns or throws is unchanged. */
export function instrumentScanner(scanner: NoticeScanner, metrics: Pick<Metrics, "scanned">): NoticeScanner {
  return {
    maxFileBytes: scanner.maxFileBytes,
    async scan(bytes, options) {
      const started = performance.now();
      const seconds = () => (performance.now() - started) / 1000;
      try {
        const result = await scanner.scan(bytes, options);
        metrics.scanned(result.notices.length > 0 ? "read" : "empty", seconds());
        return result;
      } catch (error) {
        metrics.scanned(error instanceof ScanFailure ? "refused" : "failed", seconds());
        throw error;
      }
    },
  };
}
