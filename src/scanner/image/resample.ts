import { createLuma, type Luma } from "./luma.ts";

/** Per output pixel, a fixed number of source indices and weights (zero-padded), along one axis. */
interface Taps {
  readonly perPixel: number;
  readonly index: Int32Array;
  readonly weight: Float32Array;
}

export type Kernel = "area" | "bilinear" | "cubic";

/**
 * Resizes with a separable filter. Shrinking always averages over the area each output pixel covers (a
 * point sample would alias fine modules into noise); enlarging uses `kernel`.
 */
export function resizeLuma(image: Luma, width: number, height: number, kernel: Kernel = "bilinear"): Luma {
  const outW = Math.max(1, Math.round(width));
  const outH = Math.max(1, Math.round(height));
  if (outW === image.width && outH === image.height) return image;
  const tx = taps(image.width, outW, kernel);
  const ty = taps(image.height, outH, kernel);
  const src = image.data;
  const inW = image.width;
  // Horizontal pass into floats, then vertical pass row by row (cache friendly on both). The horizontal rows
  // are made as the vertical pass first asks for them and kept in a ring of as many rows as one output row
  // reads (the rows asked for only move down), not as a whole plane of floats: enlarging a phone photo twice
  // took a 10 MB intermediate, garbage the moment the call returned.
  const nx = tx.perPixel;
  const ny = ty.perPixel;
  const ring = new Float32Array(outW * ny);
  const held = new Int32Array(ny).fill(-1);
  const rowAt = (y: number): number => {
    const slot = y % ny;
    const base = slot * outW;
    if (held[slot] === y) return base;
    held[slot] = y;
    const row = y * inW;
    for (let x = 0; x < outW; x++) {
      let acc = 0;
      const first = x * nx;
      for (let k = 0; k < nx; k++)
        acc += (src[row + (tx.index[first + k] as number)] as number) * (tx.weight[first + k] as number);
      ring[base + x] = acc;
    }
    return base;
  };
  const out = createLuma(outW, outH);
  const dst = out.data;
  const acc = new Float32Array(outW);
  for (let y = 0; y < outH; y++) {
    acc.fill(0);
    for (let k = 0; k < ny; k++) {
      const w = ty.weight[y * ny + k] as number;
      if (w === 0) continue;
      const from = rowAt(ty.index[y * ny + k] as number);
      for (let x = 0; x < outW; x++) acc[x] = (acc[x] as number) + (ring[from + x] as number) * w;
    }
    const outRow = y * outW;
    for (let x = 0; x < outW; x++) {
      const v = acc[x] as number;
      dst[outRow + x] = v <= 0 ? 0 : v >= 255 ? 255 : v + 0.5;
    }
  }
  return out;
}

/** Scales so the longer side is `longSide` (never enlarges unless asked). */
export function fitLongSide(image: Luma, longSide: number, kernel: Kernel = "bilinear"): Luma {
  const scale = longSide / Math.max(image.width, image.height);
  return resizeLuma(image, image.width * scale, image.height * scale, kernel);
}

export function scaleLuma(image: Luma, scale: number, kernel: Kernel = "bilinear"): Luma {
  return resizeLuma(image, image.width * scale, image.height * scale, kernel);
}

/**
 * Shrinks by a whole factor `k`, each output pixel the mean of a k×k block (edge blocks partial). Several times
 * faster than the general resampler; used to bring big photos near the working size.
 */
export function boxReduce(image: Luma, k: number): Luma {
  if (k <= 1) return image;
  const { width: w, height: h, data: src } = image;
  const outW = Math.ceil(w / k);
  const outH = Math.ceil(h / k);
  const out = createLuma(outW, outH);
  const sums = new Uint32Array(outW);
  // Pixels per output column (k, or fewer in the last one); rows per output row likewise.
  const columnWidth = new Uint32Array(outW).fill(k);
  columnWidth[outW - 1] = w - (outW - 1) * k;
  for (let oy = 0; oy < outH; oy++) {
    sums.fill(0);
    const yStart = oy * k;
    const yEnd = Math.min(h, yStart + k);
    for (let y = yStart; y < yEnd; y++) {
      const row = y * w;
      for (let ox = 0, x = 0; ox < outW; ox++) {
        const end = x + (columnWidth[ox] as number);
        let sum = sums[ox] as number;
        for (; x < end; x++) sum += src[row + x] as number;
        sums[ox] = sum;
      }
    }
    const outRow = oy * outW;
    const rowsHere = yEnd - yStart;
    for (let ox = 0; ox < outW; ox++) {
      out.data[outRow + ox] = ((sums[ox] as number) / ((columnWidth[ox] as number) * rowsHere) + 0.5) | 0;
    }
  }
  return out;
}

function taps(inSize: number, outSize: number, kernel: Kernel): Taps {
  const scale = outSize / inSize;
  if (scale < 1) return areaTaps(inSize, outSize);
  const cubic = kernel === "cubic";
  const perPixel = cubic ? 4 : 2;
  const index = new Int32Array(outSize * perPixel);
  const weight = new Float32Array(outSize * perPixel);
  for (let i = 0; i < outSize; i++) {
    const center = (i + 0.5) / scale - 0.5;
    const first = Math.floor(center) - (cubic ? 1 : 0);
    for (let k = 0; k < perPixel; k++) {
      const s = first + k;
      const d = Math.abs(center - s);
      index[i * perPixel + k] = s < 0 ? 0 : s >= inSize ? inSize - 1 : s;
      weight[i * perPixel + k] = cubic ? keys(d) : Math.max(0, 1 - d);
    }
  }
  return { perPixel, index, weight };
}

/** Box filter: each output pixel is the mean of the source span it covers, partial pixels weighted. */
function areaTaps(inSize: number, outSize: number): Taps {
  const span = inSize / outSize;
  const perPixel = Math.ceil(span) + 1;
  const index = new Int32Array(outSize * perPixel);
  const weight = new Float32Array(outSize * perPixel);
  for (let i = 0; i < outSize; i++) {
    const start = i * span;
    const end = start + span;
    const first = Math.floor(start);
    for (let k = 0; k < perPixel; k++) {
      const s = first + k;
      const overlap = Math.max(0, Math.min(end, s + 1) - Math.max(start, s));
      index[i * perPixel + k] = Math.min(s, inSize - 1);
      weight[i * perPixel + k] = overlap / span;
    }
  }
  return { perPixel, index, weight };
}

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom): sharper than bilinear for enlarging modules. */
function keys(d: number): number {
  if (d < 1) return 1.5 * d * d * d - 2.5 * d * d + 1;
  if (d < 2) return -0.5 * d * d * d + 2.5 * d * d - 4 * d + 2;
  return 0;
}
