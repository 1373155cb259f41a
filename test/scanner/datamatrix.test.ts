import { Jimp } from "jimp";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { samplePayload, slipWithDataMatrix } from "./synthetic.ts";

// The Poste Data Matrix of a notice (codfase=NBPA; layout, docs/pagopa-notices.md): notice 3932 0250 2542 0067
// 44 of payee 06493245119, 447,60 €.
const posteText = "codfase=NBPA;183932025025420067441204045122956610000004476038961P106493245119";

async function png(image: { width: number; height: number; data: Uint8Array }): Promise<Uint8Array> {
  const out = new Jimp({ width: image.width, height: image.height });
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i] as number;
    out.bitmap.data.set([v, v, v, 255], i * 4);
  }
  return new Uint8Array(await out.getBuffer("image/png"));
}

describe("Poste Data Matrix fallback", () => {
  // What is read, not how fast: a generous budget so that a busy machine cannot turn the read into a miss.
  const scanner = createScanner({ logger: silentLogger, workers: 0, timeBudgetMs: 20_000 });
  const without = createScanner({ logger: silentLogger, workers: 0, timeBudgetMs: 20_000, skipSteps: ["datamatrix"] });
  afterAll(async () => {
    await scanner.close();
    await without.close();
  });
  const photo = png(slipWithDataMatrix(samplePayload, posteText, 4));

  it("reads the notice from the slip's Data Matrix when glare has made its QR code unreadable", async () => {
    const result = await scanner.scan(await photo);
    expect(result.source).toBe("image-datamatrix");
    expect(result.notices.map((n) => [n.noticeNumber, n.fiscalCode, n.amountCents])).toEqual([
      ["393202502542006744", "06493245119", 44760],
    ]);
  }, 60_000);

  it("finds no notice on the same photo with the fallback switched off", async () => {
    const result = await without.scan(await photo);
    expect(result.notices).toEqual([]);
  }, 60_000);
});
