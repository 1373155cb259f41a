import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Cents,
  centsFromEuroNumber,
  formatCents,
  MAX_NOTICE_CENTS,
  parseEuroText,
  toCents,
} from "../../src/notice/index.ts";

const NBSP = "\u00a0";

describe("parseEuroText", () => {
  it.each([
    ["1.030,69", 103069],
    ["1030,69", 103069],
    ["100.00", 10000],
    ["0,29", 29],
    ["1,030.69", 103069],
    ["1.3", 130],
    ["12", 1200],
    ["€ 12,50", 1250],
    ["12,50 €", 1250],
    ["12.50 EUR", 1250],
    ["1.030.000", 103000000],
    ["1.234.567,89", 123456789],
    ["1 030,69", 103069],
    [`1${NBSP}030,69`, 103069],
    ["999.999.999,99", 99999999999],
  ])("reads %s as %i cents", (text, cents) => {
    expect(parseEuroText(text)).toEqual({ ok: true, value: cents });
  });

  it.each([
    "1.005",
    "1.030",
    "0,005",
    "abc",
    "",
    "12,3,4",
    "1.03.0",
    "-5",
    "1.000.000.000,00",
    "1,2.3",
  ])("refuses %j", (text) => {
    expect(parseEuroText(text).ok).toBe(false);
  });
});

describe("centsFromEuroNumber (PSP JSON numbers)", () => {
  it.each([
    [1.13, 113],
    [19.99, 1999],
    [0.29, 29],
    [4.35, 435],
    [1030.69, 103069],
    [100, 10000],
    [0, 0],
  ])("converts %d euro to %i cents without float truncation", (euro, cents) => {
    expect(centsFromEuroNumber(euro)).toEqual({ ok: true, value: cents });
  });

  it.each([1.005, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e12])("refuses %d", (euro) => {
    expect(centsFromEuroNumber(euro).ok).toBe(false);
  });
});

describe("formatCents", () => {
  it("prints Italian amounts with a no-break space and grouped thousands", () => {
    expect(formatCents(toCents(103069), "it")).toBe(`1.030,69${NBSP}€`);
    expect(formatCents(toCents(123450), "it")).toBe(`1.234,50${NBSP}€`);
    expect(formatCents(toCents(10000), "it")).toBe(`100,00${NBSP}€`);
    expect(formatCents(toCents(5), "it")).toBe(`0,05${NBSP}€`);
  });

  it("prints English amounts with the euro sign first", () => {
    expect(formatCents(toCents(103069), "en")).toBe("€1,030.69");
    expect(formatCents(toCents(29), "en")).toBe("€0.29");
  });

  it("prints the largest notice amount exactly", () => {
    expect(formatCents(MAX_NOTICE_CENTS, "it")).toBe(`999.999.999,99${NBSP}€`);
  });
});

describe("money properties", () => {
  const anyCents = fc.integer({ min: 0, max: MAX_NOTICE_CENTS }).map((n) => n as Cents);

  it("any amount survives format then parse, in both languages", () => {
    fc.assert(
      fc.property(anyCents, fc.constantFrom("it" as const, "en" as const), (cents, locale) => {
        expect(parseEuroText(formatCents(cents, locale))).toEqual({ ok: true, value: cents });
      }),
      { numRuns: 2000 },
    );
  });

  it("any amount survives the trip through a PSP euro number", () => {
    fc.assert(
      fc.property(anyCents, (cents) => {
        expect(centsFromEuroNumber(cents / 100)).toEqual({ ok: true, value: cents });
      }),
      { numRuns: 2000 },
    );
  });

  it("parsing random text never throws", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const result = parseEuroText(text);
        if (result.ok) expect(Number.isSafeInteger(result.value)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
