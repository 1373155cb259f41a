import { expect } from "vitest";
import { parsePosteDataMatrix, parseQrPayload } from "../../src/notice/index.ts";
import type { ScanResult } from "../../src/scanner/index.ts";
import type { CorpusEntry } from "./corpus.ts";

/**
 * What must hold for every image, read or not: nothing returned that is not on the sheet (a misread would
 * show a person the wrong notice), every payload a valid pagoPA payload, each once, in print order; and on
 * the easy images, exactly the codes on the sheet. When no QR code was read and the Poste Data Matrix was
 * read instead, its text must be the sheet's Data Matrix and the notice the one it names.
 */
export function expectSound(entry: CorpusEntry, result: ScanResult): void {
  if (result.source === "image-datamatrix") {
    expect(result.payloads.length).toBeGreaterThan(0);
    for (const text of result.payloads) {
      expect(entry.other_codes, `${entry.file}: returned a Data Matrix not on the sheet`).toContain(text);
      expect(parsePosteDataMatrix(text).ok).toBe(true);
    }
    expect(result.notices.map((n) => [n.source, n.amountCents])).toEqual(
      result.payloads.map((t) => ["datamatrix", Number(t.slice(49, 59))]),
    );
    return;
  }
  for (const payload of result.payloads) {
    expect(entry.expected, `${entry.file}: returned a payload not on the sheet`).toContain(payload);
    expect(parseQrPayload(payload).ok).toBe(true);
  }
  expect(new Set(result.payloads).size).toBe(result.payloads.length);
  const printed = entry.expected.filter((p) => result.payloads.includes(p));
  expect(result.payloads, `${entry.file}: codes out of print order`).toEqual(printed);
  expect(result.notices.map((n) => n.qrText)).toEqual(result.payloads);
  expect(result.source).toBe("image");
  if (entry.difficulty === "easy" || entry.kind === "negative") {
    expect(result.payloads, `${entry.file}: an easy image must read exactly`).toEqual(entry.expected);
  }
}
