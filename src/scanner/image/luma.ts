/**
 * One 8-bit luminance plane, row-major. The scanner works on this rather than on jimp's RGBA bitmap: a quarter
 * of the memory, and plain typed-array loops instead of per-pixel helpers.
 */
export interface Luma {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function createLuma(width: number, height: number): Luma {
  return { width, height, data: new Uint8Array(width * height) };
}

/** RGBA (jimp's bitmap, a PDF image) to luminance with Rec. 709 weights in fixed point, as jsqr weighs them. */
export function lumaFromRgba(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Luma {
  const out = createLuma(width, height);
  const dst = out.data;
  const n = width * height;
  for (let i = 0, j = 0; i < n; i++, j += 4) {
    // Transparent pixels are composited onto white: a screenshot's clear background is the paper.
    const a = rgba[j + 3] as number;
    const y = ((rgba[j] as number) * 54 + (rgba[j + 1] as number) * 183 + (rgba[j + 2] as number) * 19) >> 8;
    dst[i] = a === 255 ? y : (y * a + 255 * (255 - a)) / 255;
  }
  return out;
}

/** The RGBA buffer jsqr reads (it takes nothing else); grey pixels, opaque. */
export function rgbaFromLuma(image: Luma): Uint8ClampedArray {
  const { data } = image;
  const n = data.length;
  const out = new Uint8ClampedArray(n * 4);
  // Writing 32-bit words is several times faster than four byte stores per pixel.
  const words = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = data[i] as number;
    words[i] = 0xff000000 | (v << 16) | (v << 8) | v;
  }
  return out;
}

export function cropLuma(image: Luma, x: number, y: number, width: number, height: number): Luma {
  const x0 = Math.max(0, Math.floor(x));
  const y0 = Math.max(0, Math.floor(y));
  const x1 = Math.min(image.width, Math.ceil(x + width));
  const y1 = Math.min(image.height, Math.ceil(y + height));
  const out = createLuma(Math.max(0, x1 - x0), Math.max(0, y1 - y0));
  for (let row = y0; row < y1; row++) {
    out.data.set(image.data.subarray(row * image.width + x0, row * image.width + x1), (row - y0) * out.width);
  }
  return out;
}

/** Light for dark: a PDF viewer in dark mode shows a notice's code light on dark, which jsqr does not read. */
export function invertLuma(image: Luma): Luma {
  const out = createLuma(image.width, image.height);
  const { data } = image;
  for (let i = 0; i < data.length; i++) out.data[i] = 255 - (data[i] as number);
  return out;
}
