import { describe, expect, it } from "vitest";
import { parsePosteDataMatrix } from "../../src/notice/datamatrix.ts";
import vectors from "../fixtures/pagopa/vectors.json" with { type: "json" };

// The Poste Data Matrix's fixed parts (the prefix, the length tags, the document type and the 1P1 marker) are
// checked one by one: a payload with any of them wrong is not a Poste Data Matrix, and the error names the part.

const valid = vectors.find((v) => v.kind === "datamatrix" && v.valid);
if (valid === undefined) throw new Error("the pagoPA vectors hold no valid Data Matrix");
const good: string = valid.input;

/** The payload with `replacement` written over it at `at`. */
const overwrite = (at: number, replacement: string) =>
  good.slice(0, at) + replacement + good.slice(at + replacement.length);

describe("Poste Data Matrix fixed parts", () => {
  it("reads the pagoPA vector (io-app's own payload)", () => {
    const read = parsePosteDataMatrix(good);
    expect(read.ok && read.value).toMatchObject({ noticeNumber: valid.expected?.noticeNumber, documentType: "896" });
  });

  it.each([
    [13, "17", "the length tag before the notice number"],
    [33, "13", "the length tag before the postal account"],
    [47, "11", "the length tag before the amount"],
    [59, "4", "the length tag before the document type"],
    [60, "897", "the document type"],
    [63, "1P2", "the 1P1 marker"],
    [63, "XXX", "the 1P1 marker"],
  ])("refuses a payload whose part at offset %i reads %s, naming %s", (at, replacement, part) => {
    const read = parsePosteDataMatrix(overwrite(at, replacement));
    expect(read.ok).toBe(false);
    if (read.ok) return;
    expect(read.error.code).toBe("datamatrix_format");
    expect(read.error.message).toContain(part);
  });

  it("names the numeric field that holds a letter", () => {
    const inAccount = parsePosteDataMatrix(overwrite(40, "A"));
    expect(!inAccount.ok && inAccount.error.message).toContain("the postal account");
    const inNotice = parsePosteDataMatrix(overwrite(20, "A"));
    expect(!inNotice.ok && inNotice.error.message).toContain("the notice number");
  });

  it("refuses what lacks the literal prefix, and a payload cut before the payee's code", () => {
    const noPrefix = parsePosteDataMatrix(good.replace("codfase=NBPA;", "codfase=NBPB;"));
    expect(!noPrefix.ok && noPrefix.error.code).toBe("not_datamatrix");
    const short = parsePosteDataMatrix(good.slice(0, 70));
    expect(!short.ok && short.error.code).toBe("datamatrix_format");
  });

  it("accepts every valid Data Matrix vector and refuses every invalid one", () => {
    for (const v of vectors.filter((c) => c.kind === "datamatrix")) {
      expect(parsePosteDataMatrix(v.input).ok, v.note ?? v.input).toBe(v.valid);
    }
  });
});
