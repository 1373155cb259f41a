import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { yPlaneFromBlocks } from "../../src/scanner/decode/jpeg-y-plane.ts";
import { fixtureDir, readManifest } from "./corpus.ts";

// The 12 MP photo's luminance is read straight from pdf.js's decoded blocks (no interleaved copy of all three
// components): it must be byte for byte the Y that pdf.js's own getData gives, and the internals it reads must
// still have the shape it expects (a pdf.js upgrade that changes them shows here, not as slower scans).
describe("JPEG luminance from pdf.js's decoded blocks", () => {
  const big = readManifest(fixtureDir).find((e) => e.width * e.height > 5_000_000);

  it("is pdf.js's own Y channel, byte for byte, on the 12 MP fixture photo", async () => {
    expect(big).toBeDefined();
    if (big === undefined) return;
    const { JpegImage } = await import("pdfjs-dist/image_decoders/pdf.image_decoders.mjs");
    const decoder = new JpegImage({ colorTransform: 0 });
    decoder.parse(readFileSync(join(fixtureDir, big.file)));
    const y = yPlaneFromBlocks(decoder.components, decoder.width, decoder.height);
    expect(y).not.toBeNull();
    const interleaved = decoder.getData({ width: decoder.width, height: decoder.height, isSourcePDF: false });
    let differing = 0;
    for (let i = 0; i < (y?.data.length ?? 0); i++) if (y?.data[i] !== interleaved[i * 3]) differing++;
    expect({ width: y?.width, height: y?.height, differing }).toEqual({
      width: decoder.width,
      height: decoder.height,
      differing: 0,
    });
  }, 60_000);

  it("declines internals of another shape, so that the decoder falls back to getData", () => {
    expect(yPlaneFromBlocks(undefined, 8, 8)).toBeNull();
    expect(yPlaneFromBlocks([{ output: [1, 2], scaleX: 1, scaleY: 1, blocksPerLine: 1 }], 8, 8)).toBeNull();
  });
});
