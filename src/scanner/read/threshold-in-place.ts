import type { Luma } from "../image/luma.ts";

/**
 * The local-mean binarisation of image/filters.ts's `adaptiveThreshold` (black where a pixel is darker than
 * its (2r+1)² neighbourhood mean by `offset`, edges clamped), written over the plane itself: for a plane
 * enlarged to 11 MP that saves the 22 MB of row sums and the 11 MB output the other keeps while it runs.
 * Column sums are kept for the window's rows and the original rows still needed are kept in a ring of 2r+1.
 * Returns the same plane, now 0/255.
 */
export function thresholdInPlace(image: Luma, radius: number, offset: number): Luma {
  const { width: w, height: h, data } = image;
  const r = Math.max(1, Math.floor(radius));
  const span = 2 * r + 1;
  const area = span * span;
  const bias = offset * area;
  const ring = new Uint8Array(span * w);
  const col = new Int32Array(w);
  for (let k = -r; k <= r; k++) {
    const from = clamp(k, h) * w;
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (data[from + x] as number);
  }
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const slot = (y % span) * w;
    ring.set(data.subarray(row, row + w), slot);
    // Window sums along the row from the column sums, edges clamped.
    let sum = 0;
    for (let k = -r; k <= r; k++) sum += col[clamp(k, w)] as number;
    for (let x = 0; x < w; x++) {
      data[row + x] = (ring[slot + x] as number) * area < sum - bias ? 0 : 255;
      sum += (col[clamp(x + r + 1, w)] as number) - (col[clamp(x - r, w)] as number);
    }
    if (y === h - 1) break;
    // Next row's window: the row r+1 below comes in (not yet overwritten), the row r above goes out (its
    // original is in the ring: it was written over r rows ago).
    const add = clamp(y + r + 1, h) * w;
    const sub = (clamp(y - r, h) % span) * w;
    for (let x = 0; x < w; x++) col[x] = (col[x] as number) + (data[add + x] as number) - (ring[sub + x] as number);
  }
  return image;
}

function clamp(i: number, n: number): number {
  return i < 0 ? 0 : i >= n ? n - 1 : i;
}
