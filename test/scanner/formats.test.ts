import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Jimp } from "jimp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { fixtureDir, readManifest } from "./corpus.ts";

const require = createRequire(import.meta.url);
const entry = readManifest(fixtureDir).find((e) => e.file === "dev-0094.jpg");

/** The fixture photo re-encoded with the WebP encoder that ships beside the decoder we use. */
async function toWebp(rgba: { data: Buffer; width: number; height: number }): Promise<Uint8Array> {
  const g = globalThis as { ImageData?: unknown };
  g.ImageData ??= class {
    constructor(
      readonly data: Uint8ClampedArray,
      readonly width: number,
      readonly height: number,
    ) {}
  };
  const codec = await import("@jsquash/webp/encode.js");
  const wasm = readFileSync(require.resolve("@jsquash/webp/codec/enc/webp_enc.wasm"));
  const compile = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<never> } }).WebAssembly
    .compile;
  await codec.init(await compile(wasm));
  const data = new Uint8ClampedArray(rgba.data.buffer, rgba.data.byteOffset, rgba.data.byteLength);
  return new Uint8Array(await codec.default({ data, width: rgba.width, height: rgba.height }, { quality: 90 }));
}

// The same notice photo in every format a chat may deliver; each must give the same payload.
describe("image formats", () => {
  // What is read from each format, not how fast: a generous budget, so that a busy machine (the whole suite on
  // two cores) does not turn a read into a miss. Speed is bench:scan's business.
  const scanner = createScanner({ logger: silentLogger, workers: 1, timeBudgetMs: 5_000 });
  const files = new Map<string, Uint8Array>();
  afterAll(() => scanner.close());

  beforeAll(async () => {
    const image = await Jimp.read(readFileSync(join(fixtureDir, "dev-0094.jpg")));
    files.set("jpeg", readFileSync(join(fixtureDir, "dev-0094.jpg")));
    files.set("png", await image.getBuffer("image/png"));
    files.set("bmp", await image.getBuffer("image/bmp"));
    files.set("tiff", await image.getBuffer("image/tiff"));
    files.set("gif", await image.getBuffer("image/gif"));
    files.set("webp", await toWebp(image.bitmap));
    // jimp's GIF and TIFF encoders are slow JavaScript (seconds each when idle): on a machine busy with the whole
    // suite they passed a minute once.
  }, 180_000);

  for (const format of ["jpeg", "png", "bmp", "tiff", "gif", "webp"]) {
    it(`reads the QR code from a ${format.toUpperCase()} file`, async () => {
      const result = await scanner.scan(files.get(format) ?? new Uint8Array());
      expect(result.source).toBe("image");
      expect(result.payloads).toEqual(entry?.expected);
    });
  }

  it("reads both codes of a screenshot taken in dark mode (light codes on dark)", async () => {
    const screenshot = await Jimp.read(readFileSync(join(fixtureDir, "dev-0003.png")));
    const dark = await screenshot.invert().getBuffer("image/png");
    const result = await scanner.scan(dark);
    expect(result.payloads).toEqual(readManifest(fixtureDir).find((e) => e.file === "dev-0003.png")?.expected);
  });

  it("refuses a HEIC file that declares over 40 megapixels, and a HEIC file with no picture in it", async () => {
    const heic = (width: number, height: number) => {
      const bytes = new Uint8Array(64);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, 24);
      bytes.set(new TextEncoder().encode("ftypheic\0\0\0\0mif1heic"), 4);
      view.setUint32(24, 20);
      bytes.set(new TextEncoder().encode("ispe\0\0\0\0"), 28);
      view.setUint32(36, width);
      view.setUint32(40, height);
      return bytes;
    };
    await expect(scanner.scan(heic(9000, 6000))).rejects.toMatchObject({ code: "too_many_pixels" });
    await expect(scanner.scan(heic(4032, 3024))).rejects.toMatchObject({ code: "corrupt_file" });
  });
});
