import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { decodeJpegSharp } from "../../src/scanner/decode/libvips.ts";
import { exactBuffer, jpegDecoder } from "../../src/scanner/decode/squoosh-codecs.ts";
import { lumaFromRgba } from "../../src/scanner/image/luma.ts";
import { fixtureDir, readManifest } from "./corpus.ts";

/** Mean absolute difference of two planes of the same size, in grey levels. */
function meanDifference(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs((a[i] as number) - (b[i] as number));
  return sum / a.length;
}

// JPEGs are decoded natively (libjpeg-turbo through sharp): the plane must be the luminance the WASM build of
// the same library gave before (same decoder, same weights), whatever the file's colour model.
describe("JPEG decoding through libvips", () => {
  const big = readManifest(fixtureDir).find((e) => e.width * e.height > 5_000_000);

  it("gives the 12 MP fixture photo's luminance as mozjpeg-WASM does, within a grey level", async () => {
    expect(big).toBeDefined();
    if (big === undefined) return;
    const bytes = readFileSync(join(fixtureDir, big.file));
    const luma = await decodeJpegSharp(bytes);
    const rgba = await (await jpegDecoder()).decode(exactBuffer(bytes));
    const wasm = lumaFromRgba(rgba.data, rgba.width, rgba.height);
    expect({ width: luma?.width, height: luma?.height }).toEqual({ width: big.width, height: big.height });
    expect(meanDifference(luma?.data ?? new Uint8Array(), wasm.data)).toBeLessThan(1);
  }, 60_000);

  it("reads a grey JPEG and a CMYK one, dark where the picture is dark", async () => {
    const width = 64;
    const height = 48;
    const pixels = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) pixels.fill(i % width < 32 ? 40 : 220, i * 3, i * 3 + 3);
    const raw = { raw: { width, height, channels: 3 as const } };
    const grey = await sharp(pixels, raw).greyscale().jpeg({ quality: 95 }).toBuffer();
    const cmyk = await sharp(pixels, raw).toColourspace("cmyk").jpeg({ quality: 95 }).toBuffer();

    for (const file of [grey, cmyk]) {
      const luma = await decodeJpegSharp(file);
      expect({ width: luma?.width, height: luma?.height }).toEqual({ width, height });
      expect(luma?.data[width * 10 + 5]).toBeLessThan(70);
      expect(luma?.data[width * 10 + 60]).toBeGreaterThan(190);
    }
  }, 60_000);
});
