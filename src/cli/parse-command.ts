import { parseArgs } from "node:util";
import { type InputKind, inputKinds, type NoticeInput, readNoticeInput } from "../notice/index.ts";
import type { CliCommand } from "./command.ts";

/** The JSON line `pagobot parse` and `pagobot scan` print for one notice. */
export function noticeInputJson(input: NoticeInput): Record<string, unknown> {
  return {
    kind: input.kind,
    noticeNumber: input.noticeNumber,
    fiscalCode: input.fiscalCode,
    amountCents: input.amountCents,
    rptId: input.rptId,
    auxDigit: input.auxDigit,
    iuv: input.iuv,
    warnings: input.warnings,
  };
}

/** `pagobot parse [--as kind] "<text>"`: reads one text and prints one JSON line. */
export const runParse: CliCommand = {
  usage: [
    'Usage: pagobot parse [--as qr|datamatrix|notice-number|fiscal-code|text] "<text>"',
    "",
    "Prints one JSON line and exits 0 when the text was read, 1 otherwise.",
    "Without --as, the first reading that fits wins: qr, datamatrix, notice-number, fiscal-code, text.",
  ].join("\n"),
  run(args, io) {
    let values: { as?: string | undefined };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({
        args: [...args],
        options: { as: { type: "string" } },
        allowPositionals: true,
      }));
    } catch (error) {
      io.out(JSON.stringify({ ok: false, error: { code: "usage", message: (error as Error).message } }));
      return 2;
    }
    const as = values.as;
    if (as !== undefined && !inputKinds.includes(as as InputKind)) {
      io.out(
        JSON.stringify({
          ok: false,
          error: { code: "usage", message: `--as must be one of ${inputKinds.join(", ")}` },
        }),
      );
      return 2;
    }
    if (positionals.length !== 1) {
      io.out(
        JSON.stringify({ ok: false, error: { code: "usage", message: "give exactly one text to read (quote it)" } }),
      );
      return 2;
    }
    const result = readNoticeInput(positionals[0] ?? "", as as InputKind | undefined);
    if (!result.ok) {
      io.out(JSON.stringify({ ok: false, error: { code: result.error.code, message: result.error.message } }));
      return 1;
    }
    io.out(JSON.stringify({ ok: true, ...noticeInputJson(result.value) }));
    return 0;
  },
};
