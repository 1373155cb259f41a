import type { Point } from "./geometry.ts";

/**
 * A plane projective transform (homography): the map from a code's module grid to the photo under any camera
 * tilt. Stored as the 3×3 matrix [a b c; d e f; g h 1].
 */
export interface Homography {
  readonly m: Float64Array;
}

/** Maps a point through the homography. */
export function project(h: Homography, u: number, v: number): Point {
  const m = h.m;
  const w = (m[6] as number) * u + (m[7] as number) * v + 1;
  return {
    x: ((m[0] as number) * u + (m[1] as number) * v + (m[2] as number)) / w,
    y: ((m[3] as number) * u + (m[4] as number) * v + (m[5] as number)) / w,
  };
}

/**
 * The homography that takes four source points to four destination points (no three of either collinear),
 * by solving the 8×8 linear system of the standard direct linear transform. Null when it is degenerate.
 */
export function homographyFrom(src: readonly Point[], dst: readonly Point[]): Homography | null {
  // Rows: x' = (a u + b v + c) / (g u + h v + 1), y' likewise with d e f.
  const a: number[][] = [];
  const rhs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const { x: u, y: v } = src[i] as Point;
    const { x, y } = dst[i] as Point;
    a.push([u, v, 1, 0, 0, 0, -u * x, -v * x]);
    rhs.push(x);
    a.push([0, 0, 0, u, v, 1, -u * y, -v * y]);
    rhs.push(y);
  }
  const solution = solve(a, rhs);
  if (solution === null) return null;
  return { m: Float64Array.from(solution) };
}

/** Gaussian elimination with partial pivoting; null when the system is singular. */
function solve(a: number[][], b: number[]): number[] | null {
  const n = b.length;
  const rows = a.map((row, i) => [...row, b[i] as number]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) {
      if (Math.abs((rows[r] as number[])[col] as number) > Math.abs((rows[pivot] as number[])[col] as number))
        pivot = r;
    }
    const p = rows[pivot] as number[];
    if (Math.abs(p[col] as number) < 1e-12) return null;
    rows[pivot] = rows[col] as number[];
    rows[col] = p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = rows[r] as number[];
      const f = (row[col] as number) / (p[col] as number);
      if (f === 0) continue;
      for (let k = col; k <= n; k++) row[k] = (row[k] as number) - f * (p[k] as number);
    }
  }
  return rows.map((row, i) => (row[n] as number) / (row[i] as number));
}
