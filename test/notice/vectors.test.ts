import { describe, expect, it } from "vitest";
import {
  parseFiscalCode,
  parseNoticeNumber,
  parsePosteDataMatrix,
  parseQrPayload,
  type Result,
} from "../../src/notice/index.ts";
import vectors from "../fixtures/pagopa/vectors.json" with { type: "json" };

// shared/pagopa/vectors.json: every case pagoPA's own apps and docs use, valid and invalid (rules.md §9).
interface Vector {
  input: string;
  kind: "qr" | "datamatrix" | "notice_number" | "fiscal_code";
  valid: boolean;
  expected?: Record<string, unknown>;
  note?: string;
}

const readers: Record<Vector["kind"], (input: string) => Result<object, { code: string }>> = {
  qr: parseQrPayload,
  datamatrix: parsePosteDataMatrix,
  notice_number: parseNoticeNumber,
  fiscal_code: parseFiscalCode,
};

const cases = (vectors as Vector[]).map((v, i) => ({
  ...v,
  name: `#${i} ${v.kind} ${JSON.stringify(v.input).slice(0, 70)}`,
}));

describe("pagoPA test vectors", () => {
  it("covers every kind", () => {
    expect(new Set(cases.map((c) => c.kind))).toEqual(new Set(["qr", "datamatrix", "notice_number", "fiscal_code"]));
  });

  it.each(cases)("$name", (vector) => {
    const result = readers[vector.kind](vector.input);
    expect(result.ok, vector.note).toBe(vector.valid);
    if (!result.ok || !vector.expected) return;
    const value = result.value as Record<string, unknown>;
    for (const [field, expected] of Object.entries(vector.expected)) {
      if (field === "normalized") expect(value.noticeNumber, field).toBe(expected);
      else expect(value[field], field).toEqual(expected);
    }
    // The warnings a person sees follow the two checksums exactly.
    if ("checkDigitOk" in vector.expected && "fiscalCode" in vector.expected) {
      const warnings = value.warnings as string[];
      expect(warnings.includes("notice_check_digit")).toBe(vector.expected.checkDigitOk === false);
      expect(warnings.includes("fiscal_code_checksum")).toBe(vector.expected.fiscalCodeChecksumOk === false);
    }
  });
});
