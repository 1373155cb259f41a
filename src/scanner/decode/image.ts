import { createRequire } from "node:module";
import { ScanError } from "../errors.ts";
import { createLuma, type Luma, lumaFromRgba } from "../image/luma.ts";
import { mimeTypeOf, type Sniffed } from "../sniff.ts";
import { looksComplete } from "./complete.ts";
import { yPlaneFromBlocks } from "./jpeg-y-plane.ts";
import { decodeJpegSharp, loadSharp } from "./libvips.ts";
import { exactBuffer, jpegDecoder, webpDecoder } from "./squoosh-codecs.ts";

const require = createRequire(import.meta.url);

/**
 * Decodes an image file to one luminance plane. JPEG goes through libjpeg-turbo natively (sharp), else mozjpeg
 * in WASM (pdf.js's JPEG decoder, then jimp, if that refuses it); PNG through pngjs (jimp's PNG decoder); BMP, TIFF and GIF through jimp; WebP through
 * libwebp compiled to WASM (@jsquash/webp); HEIC through libheif compiled to WASM (heic-decode). The header
 * has already been checked against the size limits. `native: false` leaves sharp out (the benchmark's
 * ablation, `--skip libvips`).
 */
export async function decodeImage(
  bytes: Uint8Array,
  sniffed: Sniffed,
  options: { readonly native?: boolean } = {},
): Promise<Luma> {
  if (!looksComplete(sniffed.type, bytes)) {
    throw new ScanError("corrupt_file", `the ${sniffed.type.toUpperCase()} file is cut short`);
  }
  try {
    if (sniffed.type === "webp") return await decodeWebp(bytes);
    if (sniffed.type === "heic") return await decodeHeic(bytes);
    if (sniffed.type === "png") {
      // pngjs is jimp's own PNG decoder, used directly: loading all of jimp costs a worker 30 MB and 300 ms.
      pngLoaded ??= import("pngjs");
      const { PNG } = await pngLoaded;
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return lumaFromRgba(png.data, png.width, png.height);
    }
    if (sniffed.type === "jpeg") {
      const pixels = (sniffed.width ?? 0) * (sniffed.height ?? 0);
      const luma =
        (options.native !== false ? await decodeJpegSharp(bytes) : null) ??
        (pixels <= WASM_JPEG_MAX_PIXELS ? await decodeJpegWasm(bytes) : null) ??
        (await decodeJpegLumaLean(bytes));
      if (luma !== null) return luma;
    }
    // jimp and its plugins are loaded on first use: most files are JPEG, and a worker's memory is precious.
    jimpLoaded ??= import("jimp");
    const { Jimp } = await jimpLoaded;
    const image = await Jimp.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    const { data, width, height } = image.bitmap;
    return lumaFromRgba(data, width, height);
  } catch (error) {
    if (error instanceof ScanError) throw error;
    throw new ScanError("corrupt_file", `the ${mimeTypeOf(sniffed.type)} data could not be decoded`, {
      cause: error,
    });
  }
}

/**
 * Phone-sized JPEGs (Telegram's 1280 px, a 1920×1440 photo) go through WASM. Bigger ones ("send as file", 12 MP)
 * go through pdf.js: a WASM heap only grows, and holding a 12 MP photo's RGBA (48 MB) in it next to a JS copy
 * would lift the worker's peak memory by about 60 MB for a gain on rare files.
 */
const WASM_JPEG_MAX_PIXELS = 5_000_000;

/** pdf.js's decoder, after dropping the WASM codec's grown heap so that the two never add up. */
async function decodeJpegLumaLean(bytes: Uint8Array): Promise<Luma | null> {
  await (await jpegDecoder()).renew();
  return decodeJpegLuma(bytes);
}

/**
 * JPEG through mozjpeg (libjpeg-turbo) compiled to WASM, by far the fastest decoder that runs here: 2.5-3.5×
 * pdf.js's on the corpus photos (25-40 ms for a 2.8 MP phone photo). Returns null when it refuses the file.
 */
async function decodeJpegWasm(bytes: Uint8Array): Promise<Luma | null> {
  const codec = await jpegDecoder();
  try {
    const image = await codec.decode(exactBuffer(bytes));
    return lumaFromRgba(image.data, image.width, image.height);
  } catch {
    // A refused file may have left the instance mid-decode: start clean for the next one.
    await codec.renew();
    return null;
  }
}

/**
 * JPEG through pdf.js's JPEG decoder (pure JS, maintained with pdf.js, already a dependency for PDFs): on a
 * 12 MP photo it takes about half the time of jpeg-js (jimp's decoder) and a third of the memory, because it
 * keeps coefficients in one typed array per component instead of one small array per 8×8 block. Asked not to
 * convert colours, it hands over Y, Cb, Cr interleaved, and Y is the luminance plane we want. EXIF orientation
 * is left alone: codes read in any rotation, and print order comes from the codes' own orientation.
 * Returns null when pdf.js refuses the file, so that jimp (jpeg-js, more tolerant) gets a try.
 */
async function decodeJpegLuma(bytes: Uint8Array): Promise<Luma | null> {
  jpegLoaded ??= import("pdfjs-dist/image_decoders/pdf.image_decoders.mjs");
  const { JpegImage } = await jpegLoaded;
  let data: Uint8Array | Uint8ClampedArray;
  let decoder: InstanceType<typeof JpegImage>;
  try {
    decoder = new JpegImage({ colorTransform: 0 });
    decoder.parse(bytes);
    if (decoder.numComponents === 3) {
      const y = yPlaneFromBlocks(decoder.components, decoder.width, decoder.height);
      if (y !== null) return y;
    }
    data = decoder.getData({ width: decoder.width, height: decoder.height, isSourcePDF: false });
  } catch {
    return null;
  }
  const { width, height, numComponents } = decoder;
  if (numComponents === 1) return { width, height, data: Uint8Array.from(data) };
  if (numComponents !== 3) return null; // CMYK: jimp converts it properly
  const out = createLuma(width, height);
  for (let i = 0, j = 0; i < out.data.length; i++, j += 3) out.data[i] = data[j] as number;
  return out;
}

let jpegLoaded: Promise<typeof import("pdfjs-dist/image_decoders/pdf.image_decoders.mjs")> | undefined;
let jimpLoaded: Promise<typeof import("jimp")> | undefined;
let pngLoaded: Promise<typeof import("pngjs")> | undefined;

/**
 * Loads the JPEG and PNG decoders ahead of the first file (a worker calls this when it starts). The WASM and
 * pdf.js JPEG decoders are loaded only where sharp is missing (or on the rare file it refuses): each costs a
 * worker memory that sharp makes useless. jimp, for the rare BMP, TIFF and GIF, is left to load on first use:
 * it would cost every worker 30 MB.
 */
export async function preloadDecoders(): Promise<void> {
  pngLoaded ??= import("pngjs");
  if ((await loadSharp()) === null) {
    jpegLoaded ??= import("pdfjs-dist/image_decoders/pdf.image_decoders.mjs");
    await Promise.all([jpegDecoder(), jpegLoaded]);
  }
  await pngLoaded;
}

async function decodeWebp(bytes: Uint8Array): Promise<Luma> {
  const codec = await webpDecoder();
  const image = await codec.decode(exactBuffer(bytes));
  return lumaFromRgba(image.data, image.width, image.height);
}

async function decodeHeic(bytes: Uint8Array): Promise<Luma> {
  const decode = require("heic-decode") as (input: {
    buffer: Uint8Array;
  }) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  const image = await decode({ buffer: bytes });
  return lumaFromRgba(image.data, image.width, image.height);
}
