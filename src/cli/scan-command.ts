import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { silentLogger } from "../log/logger.ts";
import type { PaymentNotice } from "../notice/index.ts";
import { createScanner, ScanError } from "../scanner/index.ts";
import type { CliCommand } from "./command.ts";
import { noticeInputJson } from "./parse-command.ts";

/** `pagobot scan FILE...`: reads every pagoPA QR code in each image or PDF; one JSON line per file. */
export const runScan: CliCommand = {
  usage: [
    "Usage: pagobot scan FILE...",
    "",
    "Reads JPEG, PNG, BMP, TIFF, GIF, WebP, HEIC and PDF files (at most 20 MB, 40 megapixels, 20 pages).",
    'Prints per file {"file","ok":true,"payloads":[…],"notices":[…],"ms"} or {"file","ok":false,"error":{"code","message"}}.',
    "A file with no code is ok with empty lists. Exits 0 when every file was read, 1 otherwise.",
  ].join("\n"),
  async run(args, io) {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, strict: false });
    if (positionals.length === 0) {
      io.out(JSON.stringify({ ok: false, error: { code: "usage", message: "give one or more files to scan" } }));
      return 2;
    }
    const scanner = createScanner({ logger: silentLogger, workers: 1 });
    let failures = 0;
    try {
      for (const file of positionals) {
        let bytes: Uint8Array;
        try {
          bytes = await readFile(file);
        } catch (error) {
          failures++;
          const message = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "cannot read the file";
          io.out(JSON.stringify({ file, ok: false, error: { code: "unreadable", message } }));
          continue;
        }
        try {
          const result = await scanner.scan(bytes, { fileName: file });
          const notices = result.notices.map(noticeJson);
          io.out(
            JSON.stringify({
              file,
              ok: true,
              payloads: result.payloads,
              notices,
              source: result.source,
              ms: result.ms,
            }),
          );
        } catch (error) {
          failures++;
          const code = error instanceof ScanError ? error.code : "scan_failed";
          const message = error instanceof ScanError ? error.message : "the file could not be scanned";
          io.out(JSON.stringify({ file, ok: false, error: { code, message } }));
        }
      }
    } finally {
      await scanner.close();
    }
    return failures === 0 ? 0 : 1;
  },
};

/** A scanned notice as `pagobot parse` prints one: kind "qr" for a QR payload, "text" for a PDF's text. */
function noticeJson(notice: PaymentNotice): Record<string, unknown> {
  return noticeInputJson({
    kind: notice.source === "qr" ? "qr" : "text",
    noticeNumber: notice.noticeNumber,
    fiscalCode: notice.fiscalCode,
    amountCents: notice.amountCents,
    rptId: notice.rptId,
    auxDigit: notice.auxDigit,
    iuv: notice.iuv,
    warnings: notice.warnings,
    notice,
  });
}
