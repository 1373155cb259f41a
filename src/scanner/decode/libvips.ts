import { createLuma, type Luma } from "../image/luma.ts";
import { limits } from "../limits.ts";

type Sharp = typeof import("sharp").default;

let loaded: Promise<Sharp | null> | undefined;

/**
 * sharp (libvips with libjpeg-turbo, native, from prebuilt packages: no install script, no compiler) loaded
 * once per thread, or null where its binary is missing for the platform: the WASM and pure-JS decoders
 * then do the work. One libvips thread per scan and no operation cache: a worker decodes one file at a time
 * and never the same one twice, and a cache would only hold memory.
 */
export function loadSharp(): Promise<Sharp | null> {
  loaded ??= import("sharp").then(
    ({ default: sharp }) => {
      sharp.cache(false);
      sharp.concurrency(1);
      return sharp;
    },
    () => null,
  );
  return loaded;
}

/**
 * A JPEG's luminance through libjpeg-turbo's SIMD decoder: a 12 MP photo in about a tenth of pdf.js's time
 * (~90 against ~850 ms on a busy 2-core machine) and a 1920×1440 one in a fifth of mozjpeg-WASM's. libvips
 * gives interleaved RGB (its own grey conversion goes through linear light in floats, three times slower than
 * the whole decode); the luminance is taken here with the weights jsqr uses. Returns null when sharp is
 * unavailable or refuses the file, or gives other than RGB or grey (libvips turns CMYK into RGB itself): the
 * caller then tries the other decoders. `halvedFrom` (the header's size) asks for the picture at half size: a
 * 12 MP photo's first look (see scan-bytes.ts).
 */
export async function decodeJpegSharp(
  bytes: Uint8Array,
  options: { readonly halvedFrom?: { readonly width: number; readonly height: number } } = {},
): Promise<Luma | null> {
  const sharp = await loadSharp();
  if (sharp === null) return null;
  let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
  try {
    let pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: "none", sequentialRead: true });
    const from = options.halvedFrom;
    // Half size, each pixel a triangle-weighted mean of its neighbourhood (not a point sample: fine modules would
    // alias). libvips does it as the rows come out of the decoder, so the full-size RGB is never held whole.
    if (from !== undefined)
      pipeline = pipeline.resize(Math.ceil(from.width / 2), Math.ceil(from.height / 2), {
        fit: "fill",
        kernel: "linear",
      });
    decoded = await pipeline.raw().toBuffer({ resolveWithObject: true });
  } catch {
    return null;
  }
  const { data, info } = decoded;
  const { width, height, channels } = info;
  if (channels === 1) return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, width * height) };
  if (channels !== 3) return null;
  return lumaFromRgb(data, width, height);
}

/** Interleaved RGB to luminance, Rec. 709 weights in fixed point (as `lumaFromRgba`, which jsqr matches). */
export function lumaFromRgb(rgb: Uint8Array, width: number, height: number): Luma {
  const out = createLuma(width, height);
  const dst = out.data;
  const n = width * height;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    dst[i] = ((rgb[j] as number) * 54 + (rgb[j + 1] as number) * 183 + (rgb[j + 2] as number) * 19) >> 8;
  }
  return out;
}
