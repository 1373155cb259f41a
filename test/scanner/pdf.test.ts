import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { fixtureDir, readManifest } from "./corpus.ts";

const entries = readManifest(fixtureDir);
const twoCodes = entries.find((e) => e.file === "dev-0003.png");
const photo = entries.find((e) => e.file === "dev-0094.jpg");

/** A notice as an e-mailed PDF: the page image, and the notice's codes printed as text beneath it. */
async function noticePdf(options: { image?: "jpg" | "png"; text?: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  if (options.image === "jpg") {
    const image = await doc.embedJpg(readFileSync(join(fixtureDir, "dev-0094.jpg")));
    page.drawImage(image, { x: 40, y: 300, width: 480, height: 360 });
  } else if (options.image === "png") {
    const image = await doc.embedPng(readFileSync(join(fixtureDir, "dev-0003.png")));
    page.drawImage(image, { x: 20, y: 300, width: 555, height: 312 });
  }
  if (options.text !== undefined) {
    const font = await doc.embedFont(StandardFonts.Helvetica);
    options.text.split("\n").forEach((line, i) => {
      page.drawText(line, { x: 40, y: 200 - i * 14, size: 10, font });
    });
  }
  return doc.save();
}

describe("PDF notices", () => {
  const scanner = createScanner({ logger: silentLogger, workers: 1 });
  afterAll(() => scanner.close());

  it("reads the QR code on a page image (JPEG inside the PDF)", async () => {
    const result = await scanner.scan(await noticePdf({ image: "jpg" }), { mimeType: "application/pdf" });
    expect(result.source).toBe("pdf-image");
    expect(result.payloads).toEqual(photo?.expected);
    expect(result.notices[0]?.noticeNumber).toBe(photo?.expected[0]?.split("|")[2]);
  });

  it("reads both codes of a two-instalment page image (PNG inside the PDF), in print order", async () => {
    const result = await scanner.scan(await noticePdf({ image: "png" }));
    expect(result.source).toBe("pdf-image");
    expect(result.payloads).toEqual(twoCodes?.expected);
  });

  it("reads the notice from the page text when the PDF has no QR image", async () => {
    const text = [
      "AVVISO DI PAGAMENTO - Comune di Esempio",
      "Codice Avviso: 3020 1672 3749 6700 00",
      "Codice fiscale Ente Creditore: 80016350821",
      "Importo: 1.030,69 euro",
    ].join("\n");
    const result = await scanner.scan(await noticePdf({ text }));
    expect(result.source).toBe("pdf-text");
    expect(result.payloads).toEqual([]);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({
      noticeNumber: "302016723749670000",
      fiscalCode: "80016350821",
      amountCents: 103069,
    });
  });

  it("returns an empty result for a PDF with neither a code nor a notice", async () => {
    const result = await scanner.scan(await noticePdf({ text: "Gentile cliente, grazie per il suo acquisto." }));
    expect(result.payloads).toEqual([]);
    expect(result.notices).toEqual([]);
  });
});
