import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatNoticeNumber,
  inputKinds,
  parsePosteDataMatrix,
  parseQrPayload,
  readNoticeFromText,
  readNoticeInput,
} from "../../src/notice/index.ts";

describe("readNoticeFromText (pasted messages)", () => {
  it("reads the notice number, payee and amount of a typical pasted message", () => {
    const result = readNoticeFromText("Codice avviso 3020 1672 3749 6700 00, CF ente 80016350821, 1.030,69 €");
    expect(result).toMatchObject({
      ok: true,
      value: { noticeNumber: "302016723749670000", fiscalCode: "80016350821", amountCents: 103069, source: "text" },
    });
  });

  it.each([
    ["numero avviso: 3020-1672-3749-6700-00 ente creditore 80016350821", null],
    ["CF 80016350821 avviso 302016723749670000 importo 45,00", 4500],
    ["Ciao! devo pagare questo: 302016723749670000 / 80016350821 per € 12,50", 1250],
    ["Notice number 3020.1672.3749.6700.00 payee tax code 80016350821 amount EUR 7.5", 750],
    ["3020 1672 3749 6700 00 80016350821", null],
    ["80016350821302016723749670000", null],
  ])("reads %j", (text, amountCents) => {
    const result = readNoticeFromText(text);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.value.noticeNumber).toBe("302016723749670000");
    expect(result.value.fiscalCode).toBe("80016350821");
    expect(result.value.amountCents).toBe(amountCents);
  });

  it("tells the payee from the notice by their labels even when both could fit", () => {
    const result = readNoticeFromText("ente 15376371009 avviso 347123456789012389");
    expect(result).toMatchObject({
      ok: true,
      value: { noticeNumber: "347123456789012389", fiscalCode: "15376371009" },
    });
  });

  it("reads an RptId (payee then notice, 29 digits)", () => {
    const result = readNoticeFromText("rpt 15376371009347123456789012389");
    expect(result).toMatchObject({
      ok: true,
      value: { noticeNumber: "347123456789012389", fiscalCode: "15376371009" },
    });
  });

  it("reads a QR text inside a message, with the QR's amount", () => {
    const result = readNoticeFromText("ecco il codice: PAGOPA|002|347123456789012389|15376371009|12345 grazie");
    expect(result).toMatchObject({ ok: true, value: { amountCents: 12345, fiscalCode: "15376371009" } });
  });

  it("says what is missing", () => {
    expect(readNoticeFromText("pagare la mensa di Luca")).toMatchObject({
      ok: false,
      error: { code: "no_notice_in_text" },
    });
    expect(readNoticeFromText("avviso 302016723749670000")).toMatchObject({
      ok: false,
      error: { code: "no_fiscal_code_in_text" },
    });
  });

  it("does not take a date or a phone number for an amount", () => {
    const result = readNoticeFromText("avviso 302016723749670000 ente 80016350821 scadenza 31/12/2026 tel 3351234567");
    expect(result).toMatchObject({ ok: true, value: { amountCents: null } });
  });
});

describe("readNoticeInput (first reading that fits)", () => {
  it.each([
    ["PAGOPA|002|302016723749670000|77777777777|103069", "qr"],
    ["3020 1672 3749 6700 00", "notice-number"],
    ["80016350821", "fiscal-code"],
    ["avviso 302016723749670000 ente 80016350821", "text"],
    [
      "codfase=NBPA;183471234567890123891200000101481110000001234538961P115376371009RSSMRA85T10A562SMARIO ROSSI",
      "datamatrix",
    ],
  ])("reads %j as %s", (text, kind) => {
    expect(readNoticeInput(text)).toMatchObject({ ok: true, value: { kind } });
  });

  it("reports a lone notice number's warnings and structure without a payee", () => {
    expect(readNoticeInput("311111111112222222")).toMatchObject({
      ok: true,
      value: { kind: "notice-number", rptId: null, fiscalCode: null, auxDigit: "3", warnings: ["notice_check_digit"] },
    });
  });

  it("keeps the QR's own error for a broken QR text", () => {
    expect(readNoticeInput("PAGOPA|002|302016723749670000|77777777777|0")).toMatchObject({
      ok: false,
      error: { code: "amount_zero" },
    });
  });

  it("forces one reading with `as`", () => {
    expect(readNoticeInput("80016350821", "notice-number")).toMatchObject({ ok: false });
    expect(readNoticeInput("80016350821", "fiscal-code")).toMatchObject({ ok: true });
  });
});

describe("formatNoticeNumber", () => {
  it("groups by four as printed", () => {
    expect(formatNoticeNumber("302016723749670000")).toBe("3020 1672 3749 6700 00");
  });
});

describe("random input", () => {
  const texts = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.stringMatching(/^[0-9 .\-|A-Z€,]{0,80}$/),
    fc
      .tuple(fc.stringMatching(/^[0-9]{18}$/), fc.stringMatching(/^[0-9]{11}$/), fc.stringMatching(/^[0-9]{1,12}$/))
      .map(([n, f, a]) => `PAGOPA|002|${n}|${f}|${a}`),
  );

  it("never makes a reader throw", () => {
    fc.assert(
      fc.property(texts, (text) => {
        for (const kind of [undefined, ...inputKinds]) readNoticeInput(text, kind);
        parseQrPayload(text);
        parsePosteDataMatrix(text);
      }),
      { numRuns: 3000 },
    );
  });

  it("accepts a well-formed QR exactly when its amount is between 1 and 11 digits and not zero", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-3][0-9]{17}$/),
        fc.stringMatching(/^[0-9]{11}$/),
        fc.stringMatching(/^[0-9]{1,12}$/),
        (notice, payee, amount) => {
          const result = parseQrPayload(`PAGOPA|002|${notice}|${payee}|${amount}`);
          expect(result.ok).toBe(amount.length <= 11 && Number(amount) > 0);
          if (result.ok) expect(result.value.rptId).toBe(payee + notice);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
