import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { fixtureDir, readManifest } from "./corpus.ts";
import { expectSound } from "./expectations.ts";

// The committed subset of the corpus: a two-code screenshot, a photographed two-code sheet, a decoy QR,
// a negative with a Data Matrix, a 12 MP photo, a scan and easy photos. All of them are read exactly (the
// negative's notice from its Data Matrix: expectations.ts checks it is the sheet's).
describe("scanner on the committed fixtures", () => {
  const scanner = createScanner({ logger: silentLogger, workers: 2 });
  afterAll(() => scanner.close());

  for (const entry of readManifest(fixtureDir)) {
    it(`${entry.file} (${entry.kind}, ${entry.expected.length} code(s))`, async () => {
      const result = await scanner.scan(readFileSync(join(fixtureDir, entry.file)));
      expectSound(entry, result);
      // A negative that carries the Poste slip (no QR code on it) gives the notice its Data Matrix names.
      if (result.source === "image-datamatrix") return expect(entry.expected).toEqual([]);
      expect(result.payloads).toEqual(entry.expected);
      expect(result.notices.map((n) => n.amountCents)).toEqual(entry.expected.map((p) => Number(p.split("|")[4])));
    });
  }
});
