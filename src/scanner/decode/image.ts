import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { Jimp } from "jimp";
import { ScanError } from "../errors.ts";
import { type Luma, lumaFromRgba } from "../image/luma.ts";
import { mimeTypeOf, type Sniffed } from "../sniff.ts";
import { looksComplete } from "./complete.ts";

const require = createRequire(import.meta.url);

/**
 * Decodes an image file to one luminance plane. JPEG, PNG, BMP, TIFF and GIF go through jimp; WebP through
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
    const image = await Jimp.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), {
      // jpeg-js caps its own allocations; our pixel limit is already checked, so this is a second fence.
      "image/jpeg": { maxMemoryUsageInMB: 1024, maxResolutionInMP: 41 },
    });
    const { data, width, height } = image.bitmap;
    return lumaFromRgba(data, width, height);
  } catch (error) {
    if (error instanceof ScanError) throw error;
    throw new ScanError("corrupt_file", `the ${mimeTypeOf(sniffed.type)} data could not be decoded`, {
      cause: error,
    });
  }
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
