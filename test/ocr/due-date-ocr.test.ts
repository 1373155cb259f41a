import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createDueDateOcr } from "../../src/ocr/due-date-ocr.ts";
import { printedPicture as printed } from "../helpers/printed-picture.ts";

const corpus = join(process.env.PAGOBOT_SHARED_DIR ?? join(import.meta.dirname, "../../../shared"), "corpus", "dev");

describe("the due date read from a notice's picture (Tesseract, Italian data from npm)", () => {
  // Its 20 s default is for a busy chat; a test machine shared with others may take longer over a full screenshot.
  const ocr = createDueDateOcr({ logger: silentLogger, idleMs: 300, timeoutMs: 80_000 });
  afterAll(() => ocr.close());

  it("reads 'entro il' and the date printed after it, as a date read (not given)", async () => {
    const image = await printed(["242,41 Euro", "entro il 04/01/2025", "Codice avviso 3020 1672 3749 6700 00"]);
    expect(await ocr.read(image)).toMatchObject({ date: "2025-01-04", source: "read" });
  }, 60_000);

  it("finds no due date where none is printed (a notice number and an amount are not dates)", async () => {
    const image = await printed(["Codice avviso 3020 1672 3749 6700 00", "Importo 120,50 Euro"]);
    expect(await ocr.read(image)).toBeNull();
  }, 60_000);

  it("stops its worker when idle, and starts it again for the next picture", async () => {
    await ocr.read(await printed(["scadenza 31/03/2026"]));
    expect(ocr.loaded()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(ocr.loaded()).toBe(false);
    expect(await ocr.read(await printed(["scadenza 31/03/2026"]))).toMatchObject({ date: "2026-03-31" });
  }, 60_000);

  it("leaves PDFs and empty files alone (their text is read otherwise)", async () => {
    expect(await ocr.read(new TextEncoder().encode("%PDF-1.4\nentro il 04/01/2025"))).toBeNull();
    expect(await ocr.read(new Uint8Array(0))).toBeNull();
  });

  it.skipIf(!existsSync(join(corpus, "dev-0016.png")))(
    "reads a phone screenshot of a notice PDF from the shared corpus (skipped without ../shared)",
    async () => {
      const due = await ocr.read(new Uint8Array(readFileSync(join(corpus, "dev-0016.png"))));
      expect(due).toMatchObject({ date: "2025-01-17", source: "read", phrase: expect.stringMatching(/entro il/i) });
    },
    90_000,
  );
});
