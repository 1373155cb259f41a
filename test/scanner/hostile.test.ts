import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner, ScanError, type ScanErrorCode } from "../../src/scanner/index.ts";
import { fixtureDir } from "./corpus.ts";
import { encryptedPdf, jpegDeclaring, pdfWithPages, pngDeclaring } from "./hostile-files.ts";

const photo = readFileSync(join(fixtureDir, "dev-0094.jpg"));
const screenshot = readFileSync(join(fixtureDir, "dev-0003.png"));

// Each hostile file is refused with its own code, from the byte count or the header, on the calling thread
// (workers: 0) so that the memory it took can be measured here: none of them may cost a full decode.
describe("hostile input", () => {
  const scanner = createScanner({ logger: silentLogger, workers: 0 });
  afterAll(() => scanner.close());

  const cases: [string, () => Uint8Array | Promise<Uint8Array>, ScanErrorCode][] = [
    ["a file over 20 MB", () => new Uint8Array(20 * 1024 * 1024 + 1), "file_too_large"],
    ["a PNG declaring 50000×50000 pixels", () => pngDeclaring(50_000, 50_000), "too_many_pixels"],
    ["a JPEG declaring 9000×9000 pixels", () => jpegDeclaring(9000, 9000), "too_many_pixels"],
    ["a JPEG cut in half", () => photo.subarray(0, photo.length >> 1), "corrupt_file"],
    ["a PNG cut in half", () => screenshot.subarray(0, screenshot.length >> 1), "corrupt_file"],
    ["a JPEG cut inside its header", () => photo.subarray(0, 100), "corrupt_file"],
    ["an empty file", () => new Uint8Array(0), "corrupt_file"],
    [
      "a text file",
      () => new TextEncoder().encode("PAGOPA|002|302016723749670000|77777777777|103069"),
      "unsupported_type",
    ],
    ["random bytes", () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff), "unsupported_type"],
    ["a PDF of 21 pages", () => pdfWithPages(21), "pdf_too_many_pages"],
    ["a password-protected PDF", () => encryptedPdf(), "pdf_encrypted"],
    ["a PDF that is only a header", () => new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<"), "corrupt_file"],
  ];

  for (const [name, make, code] of cases) {
    it(`refuses ${name} with ${code}, without a full decode`, async () => {
      const bytes = await make();
      const before = process.memoryUsage();
      const error = await scanner.scan(bytes).then(
        () => undefined,
        (e: unknown) => e,
      );
      const after = process.memoryUsage();
      expect(error).toBeInstanceOf(ScanError);
      expect((error as ScanError).code).toBe(code);
      expect((error as ScanError).message).not.toBe("");
      // A 40 MP RGBA decode would be 160 MB of buffers; refusing from the header costs next to nothing.
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(48 * 1024 * 1024);
    });
  }

  it("reads a PDF of exactly 20 pages (the limit is inclusive)", async () => {
    const result = await scanner.scan(await pdfWithPages(20));
    expect(result.payloads).toEqual([]);
    expect(result.notices).toEqual([]);
  });
});
