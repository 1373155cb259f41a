/**
 * The parts of a QR symbol that are the same in every code of a version (ISO/IEC 18004 §6.3): finder patterns
 * with their separators, timing patterns, alignment patterns and the dark module. The grid sampler fits its
 * geometry to them, learns the light and the blur from them, and keeps them fixed while it estimates the rest.
 */
export interface QrLayout {
  readonly version: number;
  /** Modules a side: 4 × version + 17. */
  readonly size: number;
  /**
   * Known modules as flat indices over a grid one module wider on every side than the symbol (so the quiet
   * zone's first ring, light, is known too): `known[i]` is 1 for dark, 0 for light, -1 for unknown.
   */
  readonly known: Int8Array;
  /** Side of that padded grid: size + 2. */
  readonly stride: number;
  /** Centres of the alignment patterns in module coordinates (row, column), the symbol's own grid. */
  readonly alignment: readonly (readonly [number, number])[];
}

// Alignment pattern centre rows/columns for versions 1 to 10 (ISO/IEC 18004 Annex E).
const ALIGNMENT_CENTRES: readonly (readonly number[])[] = [
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];

export const MAX_VERSION = ALIGNMENT_CENTRES.length;

const layouts = new Map<number, QrLayout>();

/** The layout of a version from 1 to 10 (what notices print; larger versions have version blocks too). */
export function qrLayout(version: number): QrLayout {
  const cached = layouts.get(version);
  if (cached !== undefined) return cached;
  const size = 4 * version + 17;
  const stride = size + 2;
  const known = new Int8Array(stride * stride).fill(-1);
  const set = (r: number, c: number, dark: boolean) => {
    if (r < -1 || c < -1 || r > size || c > size) return;
    known[(r + 1) * stride + (c + 1)] = dark ? 1 : 0;
  };
  // The quiet zone's first ring is light.
  for (let i = -1; i <= size; i++) {
    set(-1, i, false);
    set(size, i, false);
    set(i, -1, false);
    set(i, size, false);
  }
  // Finder patterns (7×7 rings dark-light-dark, a 3×3 centre) with their light separators.
  for (const [r0, c0] of [
    [0, 0],
    [0, size - 7],
    [size - 7, 0],
  ] as const) {
    for (let dr = -1; dr <= 7; dr++) {
      for (let dc = -1; dc <= 7; dc++) {
        const d = Math.max(Math.abs(dr - 3), Math.abs(dc - 3));
        set(r0 + dr, c0 + dc, d === 3 || d <= 1);
      }
    }
  }
  // Timing patterns: row 6 and column 6 alternate, dark on even indices.
  for (let i = 8; i < size - 8; i++) {
    set(6, i, i % 2 === 0);
    set(i, 6, i % 2 === 0);
  }
  const centres = ALIGNMENT_CENTRES[version - 1] ?? [];
  const alignment: [number, number][] = [];
  for (const r of centres) {
    for (const c of centres) {
      const last = centres[centres.length - 1];
      // The three corners taken by finder patterns have none.
      if ((r === 6 && c === 6) || (r === 6 && c === last) || (r === last && c === 6)) continue;
      alignment.push([r, c]);
      for (let dr = -2; dr <= 2; dr++) {
        for (let dc = -2; dc <= 2; dc++) set(r + dr, c + dc, Math.max(Math.abs(dr), Math.abs(dc)) !== 1);
      }
    }
  }
  // The dark module beside the lower-left finder's separator.
  set(4 * version + 9, 8, true);
  const layout = { version, size, known, stride, alignment };
  layouts.set(version, layout);
  return layout;
}
