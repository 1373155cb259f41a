import type { NoticeScanner } from "../../src/engine/scanner-port.ts";
import { readNoticeInput } from "../../src/notice/read-input.ts";

/**
 * Scanners for tests where what a picture holds is given, not read: one that finds a notice on any file (and
 * counts its scans), and one whose scan never ends (the process is killed during it).
 */
export function scannerFinding(qrText: string): NoticeScanner & { scans(): number } {
  const read = readNoticeInput(qrText);
  let scans = 0;
  return {
    maxFileBytes: 20_000_000,
    scan: async () => {
      scans++;
      return { notices: read.ok && read.value.notice !== null ? [read.value.notice] : [] };
    },
    scans: () => scans,
  };
}

export function scannerNeverAnswering(): NoticeScanner & { started(): boolean } {
  let started = false;
  return {
    maxFileBytes: 20_000_000,
    scan: () => {
      started = true;
      return new Promise(() => {});
    },
    started: () => started,
  };
}
