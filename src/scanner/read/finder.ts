import type { Luma } from "../image/luma.ts";

/** A place that looks like a QR finder pattern (the 7×7 concentric square in three corners of a code). */
export interface FinderCandidate {
  x: number;
  y: number;
  /** Estimated module size in pixels of the plane searched. */
  module: number;
  /** How many scan lines confirmed it. */
  hits: number;
}

/**
 * Finds finder patterns in a binary plane (0 black, 255 white), the way ZXing's detector does: along each
 * scan line, five runs black-white-black-white-black in ratio 1:1:3:1:1, confirmed by the same ratio down the
 * column and along a diagonal through the centre. Lines `step` px apart; candidates that fall within a module
 * of each other are merged. Tolerances are looser than ZXing's because photos here are blurred and tilted.
 */
export function findFinderPatterns(
  binary: Luma,
  options: { step?: number; minModule?: number } = {},
): FinderCandidate[] {
  const { width: w, height: h, data } = binary;
  const step = options.step ?? 1;
  const minModule = options.minModule ?? 0.8;
  const found: FinderCandidate[] = [];
  const runs = new Int32Array(w + 2);
  const starts = new Int32Array(w + 2);
  for (let y = 0; y < h; y += step) {
    const row = y * w;
    // Run-length encode the line; runs alternate colour, the first one's colour is `firstBlack`.
    let n = 0;
    let start = 0;
    for (let x = 1; x <= w; x++) {
      if (x === w || (data[row + x] === 0) !== (data[row + x - 1] === 0)) {
        starts[n] = start;
        runs[n++] = x - start;
        start = x;
      }
    }
    const firstBlack = data[row] === 0;
    for (let i = firstBlack ? 0 : 1; i + 4 < n; i += 2) {
      const a = runs[i] as number;
      const b = runs[i + 1] as number;
      const c = runs[i + 2] as number;
      const d = runs[i + 3] as number;
      const e = runs[i + 4] as number;
      if (!ratioOk(a, b, c, d, e, 0.7)) continue;
      const total = a + b + c + d + e;
      if (total < 7 * minModule) continue;
      const cx = (starts[i + 2] as number) + c / 2;
      const vertical = crossCheck(binary, Math.floor(cx), y, 0, 1, total);
      if (vertical === null) continue;
      const cy = vertical.centre;
      const horizontal = crossCheck(binary, Math.floor(cx), Math.floor(cy), 1, 0, total);
      if (horizontal === null) continue;
      const hx = horizontal.centre;
      if (crossCheck(binary, Math.floor(hx), Math.floor(cy), 1, 1, total * Math.SQRT2) === null) continue;
      const module = (horizontal.total + vertical.total) / 14;
      merge(found, hx, cy, module);
    }
  }
  return found;
}

function ratioOk(a: number, b: number, c: number, d: number, e: number, tolerance: number): boolean {
  const m = (a + b + c + d + e) / 7;
  const v = m * tolerance;
  return (
    Math.abs(a - m) < v &&
    Math.abs(b - m) < v &&
    Math.abs(c - 3 * m) < 3 * v &&
    Math.abs(d - m) < v &&
    Math.abs(e - m) < v
  );
}

/**
 * Walks from (x, y) both ways along (dx, dy) through black, white, black runs and checks the 1:1:3:1:1 ratio
 * and that the pattern is about as wide as the one seen on the scan line (`expected`, in pixels along a row;
 * diagonal walks pass √2 × as many pixels per step, and count steps).
 */
function crossCheck(
  image: Luma,
  x: number,
  y: number,
  dx: number,
  dy: number,
  expected: number,
): { centre: number; total: number } | null {
  const { width: w, height: h, data } = image;
  const black = (px: number, py: number) => data[py * w + px] === 0;
  if (x < 0 || y < 0 || x >= w || y >= h || !black(x, y)) return null;
  const diagonal = dx !== 0 && dy !== 0;
  const limit = Math.ceil(expected);
  const counts = [0, 0, 0, 0, 0];
  // Backward: centre black, then white, then outer black.
  let px = x;
  let py = y;
  let steps = 0;
  const walk = (sx: number, sy: number, slot: number, wantBlack: boolean): boolean => {
    while (px >= 0 && py >= 0 && px < w && py < h && black(px, py) === wantBlack) {
      counts[slot] = (counts[slot] as number) + 1;
      px += sx;
      py += sy;
      if (++steps > limit * 2) return false;
    }
    return px >= 0 && py >= 0 && px < w && py < h;
  };
  if (!walk(-dx, -dy, 2, true) || !walk(-dx, -dy, 1, false)) return null;
  walk(-dx, -dy, 0, true);
  const centreStart = diagonal ? 0 : (dx !== 0 ? x : y) - (counts[2] as number) + 1;
  px = x + dx;
  py = y + dy;
  steps = 0;
  if (!walk(dx, dy, 2, true) || !walk(dx, dy, 3, false)) return null;
  walk(dx, dy, 4, true);
  const [a, b, c, d, e] = counts as [number, number, number, number, number];
  const total = a + b + c + d + e;
  const along = diagonal ? total * Math.SQRT2 : total;
  if (Math.abs(along - expected) > expected * 0.6) return null;
  if (!ratioOk(a, b, c, d, e, 0.8)) return null;
  return { centre: centreStart + c / 2, total: along };
}

function merge(found: FinderCandidate[], x: number, y: number, module: number): void {
  for (const f of found) {
    if (
      Math.abs(f.x - x) <= f.module * 1.5 &&
      Math.abs(f.y - y) <= f.module * 1.5 &&
      Math.abs(f.module - module) < f.module
    ) {
      const n = f.hits;
      f.x = (f.x * n + x) / (n + 1);
      f.y = (f.y * n + y) / (n + 1);
      f.module = (f.module * n + module) / (n + 1);
      f.hits = n + 1;
      return;
    }
  }
  found.push({ x, y, module, hits: 1 });
}
