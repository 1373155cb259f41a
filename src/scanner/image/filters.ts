import { createLuma, type Luma } from "./luma.ts";

/**
 * Row sums of 2r+1 pixels (edges clamped), computed as the vertical passes below ask for them and kept only
 * while they are in the window: 2r+2 rows instead of a whole plane of sums. The search thresholds and smooths
 * planes of up to 3 MP many times per photo; whole-plane intermediates (2 bytes a pixel here, 8 for the mean)
 * were most of the garbage a hard photo leaves for the collector, and so of the worker's peak memory.
 */
class RowSums<T extends Uint16Array | Float32Array> {
  private readonly rows: T;
  private readonly held: Int32Array;
  private readonly span: number;

  constructor(
    private readonly image: Luma,
    private readonly r: number,
    make: (length: number) => T,
  ) {
    this.span = 2 * r + 2;
    this.rows = make(image.width * this.span);
    this.held = new Int32Array(this.span).fill(-1);
  }

  /** Where row y's sums start in `data`. Rows are asked for in increasing order, each at most 2r+1 rows back. */
  at(y: number): number {
    const slot = y % this.span;
    const base = slot * this.image.width;
    if (this.held[slot] !== y) {
      this.held[slot] = y;
      this.sumRow(y, base);
    }
    return base;
  }

  get data(): T {
    return this.rows;
  }

  private sumRow(y: number, base: number): void {
    const { width: w, data } = this.image;
    const r = this.r;
    const rows = this.rows;
    const row = y * w;
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += data[row + clamp(k, w)] as number;
    // Edges clamp; the interior, where nearly all pixels are, runs without a bounds test. (Never past the row's
    // end: a narrow plane's rows would spill into the next slot, which may hold a row still in use.)
    const inner = Math.min(w, Math.max(r, w - r - 1));
    let x = 0;
    for (; x < Math.min(r, w); x++) {
      rows[base + x] = sum;
      sum += (data[row + clamp(x + r + 1, w)] as number) - (data[row + clamp(x - r, w)] as number);
    }
    for (; x < inner; x++) {
      rows[base + x] = sum;
      sum += (data[row + x + r + 1] as number) - (data[row + x - r] as number);
    }
    for (; x < w; x++) {
      rows[base + x] = sum;
      sum += (data[row + clamp(x + r + 1, w)] as number) - (data[row + clamp(x - r, w)] as number);
    }
  }
}

/**
 * Mean over a (2r+1)² window, edges clamped, as running sums along rows then columns: linear time whatever
 * the radius. Hands each row of means to `use` (in a buffer reused for the next row) rather than building a
 * plane of floats.
 */
function eachMeanRow(image: Luma, radius: number, use: (row: number, mean: Float32Array) => void): void {
  const { width: w, height: h } = image;
  const r = Math.max(0, Math.floor(radius));
  const size = 2 * r + 1;
  const sums = new RowSums(image, r, (n) => new Float32Array(n));
  const rows = sums.data;
  const col = new Float32Array(w);
  for (let k = -r; k <= r; k++) {
    const from = sums.at(clamp(k, h));
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[from + x] as number);
  }
  const norm = 1 / (size * size);
  const mean = new Float32Array(w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) mean[x] = (col[x] as number) * norm;
    use(y * w, mean);
    if (y + 1 === h) break;
    const add = sums.at(clamp(y + r + 1, h));
    const sub = sums.at(clamp(y - r, h));
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[add + x] as number) - (rows[sub + x] as number);
  }
}

/** A smoothed copy: sensor noise breaks the 1:1:3:1:1 runs jsqr looks for; a small box mean restores them. */
export function smooth(image: Luma, radius: number): Luma {
  const out = createLuma(image.width, image.height);
  const dst = out.data;
  eachMeanRow(image, radius, (row, mean) => {
    for (let x = 0; x < mean.length; x++) dst[row + x] = (mean[x] as number) + 0.5;
  });
  return out;
}

/** Unsharp mask: steepens the edges a mild blur has softened, so module borders fall back in place. */
export function unsharp(image: Luma, radius: number, amount: number): Luma {
  const out = createLuma(image.width, image.height);
  const src = image.data;
  const dst = out.data;
  eachMeanRow(image, radius, (row, mean) => {
    for (let x = 0; x < mean.length; x++) {
      const v = src[row + x] as number;
      const s = v + amount * (v - (mean[x] as number));
      dst[row + x] = s <= 0 ? 0 : s >= 255 ? 255 : s + 0.5;
    }
  });
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
  const sums = new RowSums(image, r, (n) => new Uint16Array(n));
  const rows = sums.data;
  const out = createLuma(w, h);
  const dst = out.data;
  const col = new Int32Array(w);
  for (let k = -r; k <= r; k++) {
    const from = sums.at(clamp(k, h));
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[from + x] as number);
  }
  const bias = offset * area;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) dst[row + x] = (data[row + x] as number) * area < (col[x] as number) - bias ? 0 : 255;
    if (y + 1 === h) break;
    const add = sums.at(y + r + 1 < h ? y + r + 1 : h - 1);
    const sub = sums.at(y - r > 0 ? y - r : 0);
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (rows[add + x] as number) - (rows[sub + x] as number);
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
