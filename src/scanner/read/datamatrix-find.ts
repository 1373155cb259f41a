import { adaptiveThreshold } from "../image/filters.ts";
import type { Luma } from "../image/luma.ts";

/** A square-ish patch of the plane that looks like a 2D code's module pattern, in the plane's pixels. */
export interface CodePatch {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Blocks in the patch (its size in the plane's blocks); larger first. */
  readonly blocks: number;
}

// Blocks this many pixels a side are judged one by one (on a plane of about 1000 px, where a Poste Data
// Matrix is 40–150 px wide: 5–20 blocks).
const BLOCK = 8;

// A code's modules are about half dark; printed text is mostly paper (10–30 % ink), a photo's background smooth.
const MIN_DARK = 0.3;
const MAX_DARK = 0.72;
// Dark–light changes per line of a block, both across and down: a module pattern changes every few pixels both
// ways, a ruled line or a bar only one way.
const MIN_CHANGES = 0.6;

/**
 * Finds patches that look like a 2D code (a Data Matrix, or a QR code): blocks about half dark whose dark–light
 * changes are frequent both across and down, joined into connected patches, kept when the patch is square-ish
 * (a Data Matrix on the Poste slip is square; turned, its bounding box stays so) and solid enough. Cheap: one
 * local threshold and one pass over the blocks. Best (largest) first.
 */
export function findCodePatches(plane: Luma, limit = 6): CodePatch[] {
  const binary = adaptiveThreshold(plane, 10, 4);
  const { width: w, height: h, data } = binary;
  const bw = Math.floor(w / BLOCK);
  const bh = Math.floor(h / BLOCK);
  const codeLike = new Uint8Array(bw * bh);
  for (let by = 0; by < bh; by++) {
    for (let bx = 0; bx < bw; bx++) {
      let dark = 0;
      let across = 0;
      let down = 0;
      for (let y = by * BLOCK; y < (by + 1) * BLOCK; y++) {
        const row = y * w;
        for (let x = bx * BLOCK; x < (bx + 1) * BLOCK; x++) {
          const v = data[row + x];
          if (v === 0) dark++;
          if (x > bx * BLOCK && v !== data[row + x - 1]) across++;
          if (y > by * BLOCK && v !== data[row - w + x]) down++;
        }
      }
      const share = dark / (BLOCK * BLOCK);
      if (share >= MIN_DARK && share <= MAX_DARK && across >= MIN_CHANGES * BLOCK && down >= MIN_CHANGES * BLOCK)
        codeLike[by * bw + bx] = 1;
    }
  }
  const patches: CodePatch[] = [];
  const label = new Int32Array(bw * bh);
  const stack: number[] = [];
  let next = 0;
  for (let start = 0; start < codeLike.length; start++) {
    if (codeLike[start] !== 1 || label[start] !== 0) continue;
    next++;
    label[start] = next;
    stack.push(start);
    let count = 0;
    let x0 = bw;
    let y0 = bh;
    let x1 = 0;
    let y1 = 0;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      count++;
      const bx = i % bw;
      const by = (i - bx) / bw;
      x0 = Math.min(x0, bx);
      x1 = Math.max(x1, bx);
      y0 = Math.min(y0, by);
      y1 = Math.max(y1, by);
      // Eight neighbours: a code's blocks touch diagonally where a turned code's edge cuts across them.
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const nx = bx + dx;
          const ny = by + dy;
          if (nx < 0 || ny < 0 || nx >= bw || ny >= bh) continue;
          const j = ny * bw + nx;
          if (codeLike[j] === 1 && label[j] === 0) {
            label[j] = next;
            stack.push(j);
          }
        }
      }
    }
    const bwide = x1 - x0 + 1;
    const bhigh = y1 - y0 + 1;
    const aspect = Math.max(bwide, bhigh) / Math.min(bwide, bhigh);
    // Smaller than 3×3 blocks is a word; a turned square fills half its bounding box, text lines far less.
    if (bwide < 3 || bhigh < 3 || aspect > 1.6 || count < 0.45 * bwide * bhigh) continue;
    // Most of the picture: a textured background or a noisy frame, not a printed code.
    if (bwide > 0.6 * bw || bhigh > 0.6 * bh) continue;
    patches.push({ x: x0 * BLOCK, y: y0 * BLOCK, width: bwide * BLOCK, height: bhigh * BLOCK, blocks: count });
  }
  return patches.sort((a, b) => b.blocks - a.blocks).slice(0, limit);
}
