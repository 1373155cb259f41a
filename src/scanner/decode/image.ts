import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { ScanError } from "../errors.ts";
import { createLuma, type Luma, lumaFromRgba } from "../image/luma.ts";
import { mimeTypeOf, type Sniffed } from "../sniff.ts";
import { looksComplete } from "./complete.ts";

const require = createRequire(import.meta.url);

/**
 * Decodes an image file to one luminance plane. JPEG goes through pdf.js's JPEG decoder straight to luminance
 * (jimp if that refuses it); PNG through pngjs (jimp's PNG decoder); BMP, TIFF and GIF through jimp; WebP through
 * libwebp compiled to WASM (@jsquash/webp); HEIC through libheif compiled to WASM (heic-decode). The header
 * has already been checked against the size limits.
 */
export async function decodeImage(bytes: Uint8Array, sniffed: Sniffed): Promise<Luma> {
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
      const luma = await decodeJpegLuma(bytes);
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
 * Loads the JPEG and PNG decoders ahead of the first file (a worker calls this when it starts). jimp, for
 * the rare BMP, TIFF and GIF, is left to load on first use: it would cost every worker 30 MB.
 */
export async function preloadDecoders(): Promise<void> {
  jpegLoaded ??= import("pdfjs-dist/image_decoders/pdf.image_decoders.mjs");
  pngLoaded ??= import("pngjs");
  await Promise.all([jpegLoaded, pngLoaded]);
}

let webpReady: Promise<(buffer: ArrayBuffer) => Promise<{ data: Uint8ClampedArray; width: number; height: number }>>;

async function decodeWebp(bytes: Uint8Array): Promise<Luma> {
  webpReady ??= (async () => {
    // The codec builds an ImageData, a browser type Node 20 lacks; a plain holder of the same shape does.
    const g = globalThis as { ImageData?: unknown };
    g.ImageData ??= class {
      constructor(
        readonly data: Uint8ClampedArray,
        readonly width: number,
        readonly height: number,
      ) {}
    };
    const codec = await import("@jsquash/webp/decode.js");
    const wasm = await readFile(require.resolve("@jsquash/webp/codec/dec/webp_dec.wasm"));
    await codec.init(await wasmCompile(wasm));
    return codec.default;
  })();
  const decode = await webpReady;
  // The codec wants an ArrayBuffer of exactly the file (a Buffer's .buffer may be a shared pool).
  const copy = Uint8Array.from(bytes).buffer;
  const image = await decode(copy);
  return lumaFromRgba(image.data, image.width, image.height);
}

// Node has WebAssembly, but TypeScript's ES-only lib (no DOM) does not declare it as a value.
const wasmCompile = (bytes: Uint8Array) =>
  (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<never> } }).WebAssembly.compile(bytes);

async function decodeHeic(bytes: Uint8Array): Promise<Luma> {
  const decode = require("heic-decode") as (input: {
    buffer: Uint8Array;
  }) => Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  const image = await decode({ buffer: bytes });
  return lumaFromRgba(image.data, image.width, image.height);
}
