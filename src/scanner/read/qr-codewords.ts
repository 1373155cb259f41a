import type { QrLayout } from "./qr-layout.ts";

/**
 * A QR symbol's data modules as codewords and back (ISO/IEC 18004 §7.7–7.9): the format information (error
 * correction level and mask), the mask undone, the modules read in the standard's two-column zigzag into
 * codewords, and the codewords split into their Reed–Solomon blocks. Module grids are the grid sampler's: flat
 * over `layout.stride`², the symbol one module in from every side, 1 for dark.
 */

/** Error correction levels as the format information codes them. */
export type EcLevel = "L" | "M" | "Q" | "H";
const LEVEL_BITS: Record<EcLevel, number> = { L: 1, M: 0, Q: 3, H: 2 };

// Per version (1–10) and level: EC codewords per block, then [blocks, data codewords] for each group
// (ISO/IEC 18004 Table 9).
type Blocks = readonly [number, ...(readonly [number, number])[]];
const BLOCKS: readonly Record<EcLevel, Blocks>[] = [
  { L: [7, [1, 19]], M: [10, [1, 16]], Q: [13, [1, 13]], H: [17, [1, 9]] },
  { L: [10, [1, 34]], M: [16, [1, 28]], Q: [22, [1, 22]], H: [28, [1, 16]] },
  { L: [15, [1, 55]], M: [26, [1, 44]], Q: [18, [2, 17]], H: [22, [2, 13]] },
  { L: [20, [1, 80]], M: [18, [2, 32]], Q: [26, [2, 24]], H: [16, [4, 9]] },
  { L: [26, [1, 108]], M: [24, [2, 43]], Q: [18, [2, 15], [2, 16]], H: [22, [2, 11], [2, 12]] },
  { L: [18, [2, 68]], M: [16, [4, 27]], Q: [24, [4, 19]], H: [28, [4, 15]] },
  { L: [20, [2, 78]], M: [18, [4, 31]], Q: [18, [2, 14], [4, 15]], H: [26, [4, 13], [1, 14]] },
  { L: [24, [2, 97]], M: [22, [2, 38], [2, 39]], Q: [22, [4, 18], [2, 19]], H: [26, [4, 14], [2, 15]] },
  { L: [30, [2, 116]], M: [22, [3, 36], [2, 37]], Q: [20, [4, 16], [4, 17]], H: [24, [4, 12], [4, 13]] },
  { L: [18, [2, 68], [2, 69]], M: [26, [4, 43], [1, 44]], Q: [24, [6, 19], [2, 20]], H: [28, [6, 15], [2, 16]] },
];

/** The 15-bit format word of a level and mask: BCH(15,5) with generator 0x537, masked with 0x5412. */
export function formatWord(level: EcLevel, mask: number): number {
  const data = (LEVEL_BITS[level] << 3) | mask;
  let rem = data << 10;
  for (let bit = 14; bit >= 10; bit--) if ((rem >> bit) & 1) rem ^= 0x537 << (bit - 10);
  return ((data << 10) | rem) ^ 0x5412;
}

/** Where format bit i (0 least significant) lies, in its two copies, as [row, column] in the symbol. */
function formatPlaces(size: number, i: number): [[number, number], [number, number]] {
  const vertical: [number, number] = i < 6 ? [i, 8] : i < 8 ? [i + 1, 8] : [size - 15 + i, 8];
  const horizontal: [number, number] = i < 8 ? [8, size - i - 1] : i < 9 ? [8, 15 - i] : [8, 14 - i];
  return [vertical, horizontal];
}

const LEVELS: readonly EcLevel[] = ["L", "M", "Q", "H"];

/**
 * The level and mask whose format word is nearest the two copies read (fewest bits differing over both), or
 * null when even the nearest differs in more than `maxDistance` bits of either copy's best.
 */
export function readFormat(
  bits: Uint8Array,
  layout: QrLayout,
  maxDistance = 3,
): { level: EcLevel; mask: number; distance: number } | null {
  const { size, stride } = layout;
  let a = 0;
  let b = 0;
  for (let i = 0; i < 15; i++) {
    const [[r1, c1], [r2, c2]] = formatPlaces(size, i);
    a |= (bits[(r1 + 1) * stride + c1 + 1] as number) << i;
    b |= (bits[(r2 + 1) * stride + c2 + 1] as number) << i;
  }
  let best: { level: EcLevel; mask: number; distance: number } | null = null;
  for (const level of LEVELS) {
    for (let mask = 0; mask < 8; mask++) {
      const word = formatWord(level, mask);
      const distance = Math.min(popcount(word ^ a), popcount(word ^ b));
      if (best === null || distance < best.distance) best = { level, mask, distance };
    }
  }
  return best !== null && best.distance <= maxDistance ? best : null;
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}

/** Writes a level and mask's format word into both copies. */
export function writeFormat(bits: Uint8Array, layout: QrLayout, level: EcLevel, mask: number): void {
  const { size, stride } = layout;
  const word = formatWord(level, mask);
  for (let i = 0; i < 15; i++) {
    for (const [r, c] of formatPlaces(size, i)) bits[(r + 1) * stride + c + 1] = (word >> i) & 1;
  }
}

const maskAt: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

const placements = new Map<number, Int32Array>();

/**
 * The padded-grid indices of the data modules in reading order (the zigzag from the lower right, two columns
 * at a time, skipping the timing column), every function module left out: finders, separators and format
 * areas, timing, alignment, the version blocks.
 */
export function dataModules(layout: QrLayout): Int32Array {
  const cached = placements.get(layout.version);
  if (cached !== undefined) return cached;
  const { size, stride, version } = layout;
  const reserved = new Uint8Array(size * size);
  const reserve = (r: number, c: number) => {
    if (r >= 0 && c >= 0 && r < size && c < size) reserved[r * size + c] = 1;
  };
  for (let r = 0; r < 9; r++) for (let c = 0; c < 9; c++) reserve(r, c);
  for (let r = 0; r < 9; r++) for (let c = size - 8; c < size; c++) reserve(r, c);
  for (let r = size - 8; r < size; r++) for (let c = 0; c < 9; c++) reserve(r, c);
  for (let i = 0; i < size; i++) {
    reserve(6, i);
    reserve(i, 6);
  }
  for (const [ar, ac] of layout.alignment)
    for (let dr = -2; dr <= 2; dr++) for (let dc = -2; dc <= 2; dc++) reserve(ar + dr, ac + dc);
  if (version >= 7) {
    for (let i = 0; i < 6; i++) {
      for (let j = size - 11; j < size - 8; j++) {
        reserve(i, j);
        reserve(j, i);
      }
    }
  }
  const order: number[] = [];
  let upward = true;
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let k = 0; k < size; k++) {
      const r = upward ? size - 1 - k : k;
      for (const c of [right, right - 1]) if (reserved[r * size + c] === 0) order.push((r + 1) * stride + c + 1);
    }
    upward = !upward;
  }
  const out = Int32Array.from(order);
  placements.set(version, out);
  return out;
}

/** One Reed–Solomon block: where its codewords sit in the symbol's codeword sequence, and how many are data. */
export interface Block {
  readonly positions: readonly number[];
  readonly dataCount: number;
}

/** The blocks of a version and level, each codeword's place in the interleaved sequence. */
export function blocksOf(version: number, level: EcLevel): Block[] {
  const spec = BLOCKS[version - 1]?.[level];
  if (spec === undefined) return [];
  const [ec, ...groups] = spec;
  const sizes = groups.flatMap(([count, data]) => Array.from({ length: count }, () => data));
  const maxData = Math.max(...sizes);
  const positions: number[][] = sizes.map(() => []);
  let at = 0;
  for (let i = 0; i < maxData; i++) {
    sizes.forEach((data, b) => {
      if (i < data) positions[b]?.push(at++);
    });
  }
  for (let i = 0; i < ec; i++) for (const p of positions) p.push(at++);
  return sizes.map((dataCount, b) => ({ positions: positions[b] as number[], dataCount }));
}

/** The codeword count of a version and level (data and EC, every block). */
export function codewordCount(version: number, level: EcLevel): number {
  return blocksOf(version, level).reduce((n, b) => n + b.positions.length, 0);
}

/**
 * The codewords the modules hold, mask undone, each with a figure made from its eight modules' `values` (per
 * padded-grid module): their least ("min") or their sum ("sum").
 */
export function readCodewords(
  bits: Uint8Array,
  values: Float32Array,
  layout: QrLayout,
  mask: number,
  count: number,
  combine: "min" | "sum" = "min",
): { codewords: Uint8Array; sure: Float32Array } {
  const modules = dataModules(layout);
  const codewords = new Uint8Array(count);
  const sure = new Float32Array(count).fill(combine === "min" ? Number.POSITIVE_INFINITY : 0);
  const { stride } = layout;
  const flip = maskAt[mask] as (i: number, j: number) => boolean;
  for (let k = 0; k < count * 8 && k < modules.length; k++) {
    const p = modules[k] as number;
    const bit = (bits[p] as number) ^ (flip(Math.floor(p / stride) - 1, (p % stride) - 1) ? 1 : 0);
    const w = k >> 3;
    codewords[w] = ((codewords[w] as number) << 1) | bit;
    const v = values[p] as number;
    sure[w] = combine === "min" ? Math.min(sure[w] as number, v) : (sure[w] as number) + v;
  }
  return { codewords, sure };
}

/** Writes codewords back into the modules with the mask applied (the inverse of readCodewords). */
export function writeCodewords(bits: Uint8Array, layout: QrLayout, mask: number, codewords: Uint8Array): void {
  const modules = dataModules(layout);
  const { stride } = layout;
  const flip = maskAt[mask] as (i: number, j: number) => boolean;
  for (let k = 0; k < codewords.length * 8 && k < modules.length; k++) {
    const p = modules[k] as number;
    const bit = ((codewords[k >> 3] as number) >> (7 - (k & 7))) & 1;
    bits[p] = bit ^ (flip(Math.floor(p / stride) - 1, (p % stride) - 1) ? 1 : 0);
  }
}
