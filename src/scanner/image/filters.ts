import { createLuma, type Luma } from "./luma.ts";

/**
 * Mean over a (2r+1)² window, edges clamped, as running sums along rows then columns: linear time whatever
 * the radius, and one Float32 intermediate rather than an integral image that would overflow on big planes.
 */
export function boxMean(image: Luma, radius: number): Float32Array {
  const { width: w, height: h, data } = image;
  const r = Math.max(0, Math.floor(radius));
  const size = 2 * r + 1;
  const rows = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += data[row + clamp(k, w)] as number;
    for (let x = 0; x < w; x++) {
      rows[row + x] = sum;
      sum += (data[row + clamp(x + r + 1, w)] as number) - (data[row + clamp(x - r, w)] as number);
    }
  }
  const out = new Float32Array(w * h);
  const col = new Float32Array(w);
  for (let k = -r; k <= r; k++) {
    const from = clamp(k, h) * w;
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[from + x] as number);
  }
  const norm = 1 / (size * size);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = clamp(y + r + 1, h) * w;
    const sub = clamp(y - r, h) * w;
    for (let x = 0; x < w; x++) {
      const c = col[x] as number;
      out[row + x] = c * norm;
      col[x] = c + (rows[add + x] as number) - (rows[sub + x] as number);
    }
  }
  return out;
}

/** A smoothed copy: sensor noise breaks the 1:1:3:1:1 runs jsqr looks for; a small box mean restores them. */
export function smooth(image: Luma, radius: number): Luma {
  const mean = boxMean(image, radius);
  const out = createLuma(image.width, image.height);
  for (let i = 0; i < mean.length; i++) out.data[i] = (mean[i] as number) + 0.5;
  return out;
}

/** Unsharp mask: steepens the edges a mild blur has softened, so module borders fall back in place. */
export function unsharp(image: Luma, radius: number, amount: number): Luma {
  const mean = boxMean(image, radius);
  const out = createLuma(image.width, image.height);
  const src = image.data;
  const dst = out.data;
  for (let i = 0; i < src.length; i++) {
    const v = src[i] as number;
    const s = v + amount * (v - (mean[i] as number));
    dst[i] = s <= 0 ? 0 : s >= 255 ? 255 : s + 0.5;
  }
  return out;
}

/**
 * Local-mean binarisation: black where a pixel is darker than its (2r+1)² neighbourhood mean by `offset`.
 * Shadows, glare and faded print shift the whole neighbourhood together, so a local threshold holds where a
 * global one fails. Returns 0/255 pixels, which jsqr's binariser passes through unchanged. Integer running
 * sums throughout (it runs on every photo): pixel·area < sum − offset·area needs no division.
 */
export function adaptiveThreshold(image: Luma, radius: number, offset: number): Luma {
  const { width: w, height: h, data } = image;
  const r = Math.max(1, Math.floor(radius));
  const area = (2 * r + 1) * (2 * r + 1);
  // Row sums of 2r+1 pixels fit 16 bits up to r = 127.
  const rows = new Uint16Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += data[row + clamp(k, w)] as number;
    // Edges clamp; the interior, where nearly all pixels are, runs without a bounds test.
    const inner = Math.max(r, w - r - 1);
    let x = 0;
    for (; x < Math.min(r, w); x++) {
      rows[row + x] = sum;
      sum += (data[row + clamp(x + r + 1, w)] as number) - (data[row + clamp(x - r, w)] as number);
    }
    for (; x < inner; x++) {
      rows[row + x] = sum;
      sum += (data[row + x + r + 1] as number) - (data[row + x - r] as number);
    }
    for (; x < w; x++) {
      rows[row + x] = sum;
      sum += (data[row + clamp(x + r + 1, w)] as number) - (data[row + clamp(x - r, w)] as number);
    }
  }
  const out = createLuma(w, h);
  const dst = out.data;
  const col = new Int32Array(w);
  for (let k = -r; k <= r; k++) {
    const from = clamp(k, h) * w;
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[from + x] as number);
  }
  const bias = offset * area;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const add = (y + r + 1 < h ? y + r + 1 : h - 1) * w;
    const sub = (y - r > 0 ? y - r : 0) * w;
    for (let x = 0; x < w; x++) {
      const c = col[x] as number;
      dst[row + x] = (data[row + x] as number) * area < c - bias ? 0 : 255;
      col[x] = c + (rows[add + x] as number) - (rows[sub + x] as number);
    }
  }
  return out;
}

/** Maps the `clip` darkest … `clip` lightest pixels' range onto 0–255 (a faded code gets its contrast back). */
export function stretchContrast(image: Luma, clip: number): Luma {
  const { data } = image;
  const histogram = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) histogram[data[i] as number] = (histogram[data[i] as number] as number) + 1;
  const cut = data.length * clip;
  let lo = 0;
  let seen = histogram[0] as number;
  while (lo < 255 && seen <= cut) seen += histogram[++lo] as number;
  let hi = 255;
  seen = histogram[255] as number;
  while (hi > 0 && seen <= cut) seen += histogram[--hi] as number;
  const out = createLuma(image.width, image.height);
  const gain = 255 / Math.max(1, hi - lo);
  for (let i = 0; i < data.length; i++) {
    const v = ((data[i] as number) - lo) * gain;
    out.data[i] = v <= 0 ? 0 : v >= 255 ? 255 : v;
  }
  return out;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
