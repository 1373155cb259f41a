import type { Luma } from "../image/luma.ts";
import type { Point } from "./geometry.ts";
import { type Homography, homographyFrom, project } from "./perspective.ts";
import { MAX_VERSION, type QrLayout, qrLayout } from "./qr-layout.ts";

/** Where a code's module grid lies on the photo: the layout it was fitted as, and module → pixel map. */
export interface GridFit {
  readonly layout: QrLayout;
  readonly homography: Homography;
  /** Correlation of the samples at the known modules with their known shades (1 is a perfect fit). */
  readonly score: number;
}

/** The three finder centres of one code in source pixels, as the code itself names its corners. */
export interface FinderTriple {
  readonly topLeft: Point;
  readonly topRight: Point;
  readonly bottomLeft: Point;
  /** Module sizes measured at each finder (top-left, top-right, bottom-left), when known: they tell tilt. */
  readonly modules?: readonly [number, number, number];
}

/** A finder pattern's centre and module size, in source pixels. */
export interface FinderAt {
  readonly x: number;
  readonly y: number;
  readonly module: number;
}

/**
 * The triple with `corner` as the top-left finder; of the other two, the top-right is the one a quarter turn
 * clockwise from the other (in picture coordinates, y down), as a QR code is never printed mirrored.
 */
export function orientTriple(corner: FinderAt, s: FinderAt, t: FinderAt): FinderTriple {
  const cross = (s.x - corner.x) * (t.y - corner.y) - (s.y - corner.y) * (t.x - corner.x);
  const [right, down] = cross > 0 ? [s, t] : [t, s];
  return {
    topLeft: { x: corner.x, y: corner.y },
    topRight: { x: right.x, y: right.y },
    bottomLeft: { x: down.x, y: down.y },
    modules: [corner.module, right.module, down.module],
  };
}

// Below this correlation at the known modules the fit is not a QR code's grid (or not this version's).
const MIN_SCORE = 0.4;
const MIN_START_SCORE = 0.35;

/**
 * Fits a perspective map from a version's module grid to the photo. The finder centres give an affine first
 * guess; the lower-right alignment pattern (versions 2+) is then searched near where that guess puts it, which
 * pins the fourth corner of the perspective; last, the four control points are moved in shrinking sub-pixel
 * steps while the samples at every known module (finders, separators, timing, alignment, the quiet zone's
 * first ring) correlate better with their known shades. Blur leaves that correlation's peak in place, so the
 * grid lands where a binarised detector, whose finder runs the blur has merged, would be off by a module.
 */
export function fitGrid(source: Luma, finders: FinderTriple, version: number): GridFit | null {
  const start = firstGuess(source, finders, version);
  // Far off even before refining: three finder look-alikes in text, not a code (refining costs the most).
  if (start === null || start.score < MIN_START_SCORE) return null;
  return refine(source, start);
}

/** A version's affine first guess from the finder centres, with the alignment pattern found; and its score. */
interface Guess {
  readonly layout: QrLayout;
  readonly grid: readonly Point[];
  readonly points: readonly Point[];
  readonly module: number;
  readonly score: number;
}

function firstGuess(source: Luma, finders: FinderTriple, version: number, alignment = true): Guess | null {
  const layout = qrLayout(version);
  const n = layout.size;
  const span = n - 7;
  // The fourth control point: the lower-right alignment centre, or (version 1) the lower-right finder's place.
  const far = layout.alignment.length > 0 ? n - 6.5 : n - 3.5;
  const grid: Point[] = [
    { x: 3.5, y: 3.5 },
    { x: n - 3.5, y: 3.5 },
    { x: 3.5, y: n - 3.5 },
    { x: far, y: far },
  ];
  const samples = knownSamples(layout);
  let best: Guess | null = null;
  for (const depth of depths(finders)) {
    const guess = perspectiveGuess(source, finders, depth, span, far, alignment);
    if (guess === null) continue;
    const points = [finders.topLeft, finders.topRight, finders.bottomLeft, guess.far];
    const h = homographyFrom(grid, points);
    if (h === null) continue;
    const score = correlation(source, h, samples);
    if (best === null || score > best.score) best = { layout, grid, points, module: guess.module, score };
  }
  return best;
}

/**
 * Relative depths (the projective denominator) at the top-right and bottom-left finders: 1 and 1 is the
 * affine guess; a tilted code's far finders look smaller, their depth in inverse proportion.
 */
function depths(finders: FinderTriple): [number, number][] {
  const out: [number, number][] = [[1, 1]];
  const m = finders.modules;
  if (m !== undefined) {
    const [tl, tr, bl] = m;
    const wr = tl / tr;
    const wb = tl / bl;
    if (Math.abs(wr - 1) > 0.08 || Math.abs(wb - 1) > 0.08) out.push([wr, wb]);
  }
  return out;
}

/**
 * Where the fourth control point lies if the code's plane has depths 1, `wr`, `wb` at its three finders:
 * image = (TL + du·E + dv·F) / (1 + g·du + h·dv) in module offsets from the top-left finder. Then the
 * alignment pattern is searched around it.
 */
function perspectiveGuess(
  source: Luma,
  finders: FinderTriple,
  [wr, wb]: [number, number],
  span: number,
  far: number,
  alignment: boolean,
): { far: Point; module: number } | null {
  const { topLeft: tl, topRight: tr, bottomLeft: bl } = finders;
  const g = (wr - 1) / span;
  const h = (wb - 1) / span;
  const e = { x: (tr.x * wr - tl.x) / span, y: (tr.y * wr - tl.y) / span };
  const f = { x: (bl.x * wb - tl.x) / span, y: (bl.y * wb - tl.y) / span };
  const module = Math.sqrt(Math.abs(e.x * f.y - e.y * f.x));
  if (!(module > 0.5)) return null;
  const d = far - 3.5;
  const w = 1 + g * d + h * d;
  if (!(w > 0.2)) return null;
  const p = { x: (tl.x + d * (e.x + f.x)) / w, y: (tl.y + d * (e.y + f.y)) / w };
  // One module's step along each axis there, for the alignment search.
  const ex = { x: (e.x - p.x * g) / w, y: (e.y - p.y * g) / w };
  const ey = { x: (f.x - p.x * h) / w, y: (f.y - p.y * h) / w };
  const found = !alignment || far === span + 3.5 ? null : findAlignment(source, p, ex, ey);
  return { far: found ?? p, module };
}

/**
 * The versions worth fitting, best first: every version's first guess (without the alignment search) is
 * scored; the best is kept, and the runner-up when it fits nearly as well. (The finder spacing alone
 * cannot tell the version when blur has swollen or shrunk the finder runs the module size is measured from.)
 */
export function rankVersions(source: Luma, finders: FinderTriple): number[] {
  const scored = scoreVersions(source, finders);
  const best = scored[0];
  if (best === undefined || best.score < MIN_START_SCORE) return [];
  // The runner-up only when it fits nearly as well (a blurred finder can leave two versions close).
  return scored.filter((s, i) => i === 0 || (i === 1 && s.score >= best.score - 0.1)).map((s) => s.version);
}

function refine(source: Luma, start: Guess): GridFit | null {
  const { layout, grid, module } = start;
  const points = start.points.slice();
  const samples = knownSamples(layout);
  const score = (pts: readonly Point[]): number => {
    const h = homographyFrom(grid, pts);
    return h === null ? -1 : correlation(source, h, samples);
  };
  let best = score(points);
  // Version 1 has no known module near its fourth corner: that point stays where the affine guess put it.
  const movable = layout.alignment.length > 0 ? 8 : 6;
  for (const step of [0.5, 0.25, 0.12, 0.06]) {
    const delta = step * module;
    for (let round = 0; round < 6; round++) {
      let improved = false;
      for (let k = 0; k < movable; k++) {
        for (const sign of [1, -1]) {
          const moved = points.slice();
          const p = moved[k >> 1] as Point;
          moved[k >> 1] = k & 1 ? { x: p.x, y: p.y + sign * delta } : { x: p.x + sign * delta, y: p.y };
          const s = score(moved);
          if (s > best) {
            best = s;
            points.splice(0, 4, ...moved);
            improved = true;
            break;
          }
        }
      }
      if (!improved) break;
    }
  }
  const homography = homographyFrom(grid, points);
  if (homography === null || best < MIN_SCORE) return null;
  return { layout, homography, score: best };
}

/** Known modules as centres (u column, v row, in module units) and shades (1 light, 0 dark). */
interface Samples {
  readonly u: Float32Array;
  readonly v: Float32Array;
  readonly shade: Float32Array;
}

const sampleCache = new Map<number, Samples>();

function knownSamples(layout: QrLayout): Samples {
  const cached = sampleCache.get(layout.version);
  if (cached !== undefined) return cached;
  const u: number[] = [];
  const v: number[] = [];
  const shade: number[] = [];
  const { known, stride } = layout;
  for (let i = 0; i < known.length; i++) {
    const k = known[i] as number;
    if (k < 0) continue;
    u.push((i % stride) - 1 + 0.5);
    v.push(Math.floor(i / stride) - 1 + 0.5);
    shade.push(k === 1 ? 0 : 1);
  }
  const samples = { u: Float32Array.from(u), v: Float32Array.from(v), shade: Float32Array.from(shade) };
  sampleCache.set(layout.version, samples);
  return samples;
}

/** Pearson correlation of the grey at each known module's centre with its shade. */
function correlation(source: Luma, h: Homography, samples: Samples): number {
  const n = samples.u.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const p = project(h, samples.u[i] as number, samples.v[i] as number);
    const g = bilinear(source, p.x, p.y);
    const s = samples.shade[i] as number;
    sx += g;
    sy += s;
    sxx += g * g;
    syy += s * s;
    sxy += g * s;
  }
  const cov = sxy - (sx * sy) / n;
  const vg = sxx - (sx * sx) / n;
  const vs = syy - (sy * sy) / n;
  return vg <= 0 || vs <= 0 ? 0 : cov / Math.sqrt(vg * vs);
}

// An alignment pattern (5×5: dark ring, light ring, dark centre) as shades, row by row.
const ALIGNMENT_TEMPLATE: readonly number[] = Array.from({ length: 25 }, (_, i) =>
  Math.max(Math.abs((i % 5) - 2), Math.abs(Math.floor(i / 5) - 2)) === 1 ? 1 : 0,
);

/**
 * Looks for the alignment pattern within four modules of where the affine guess puts it (a tilted photo's
 * perspective moves it that far on a small code), half a module apart, by correlation with its 5×5 template.
 */
function findAlignment(source: Luma, guess: Point, ex: Point, ey: Point): Point | null {
  let best = 0.5;
  let at: Point | null = null;
  const values = new Float32Array(25);
  for (let b = -4; b <= 4; b += 0.5) {
    for (let a = -4; a <= 4; a += 0.5) {
      const cx = guess.x + ex.x * a + ey.x * b;
      const cy = guess.y + ex.y * a + ey.y * b;
      for (let i = 0; i < 25; i++) {
        const du = (i % 5) - 2;
        const dv = Math.floor(i / 5) - 2;
        values[i] = bilinear(source, cx + ex.x * du + ey.x * dv, cy + ex.y * du + ey.y * dv);
      }
      // A small preference for the guess itself: a data area may hold a look-alike further out.
      const s = pearson(values, ALIGNMENT_TEMPLATE) - 0.01 * Math.hypot(a, b);
      if (s > best) {
        best = s;
        at = { x: cx, y: cy };
      }
    }
  }
  return at;
}

function pearson(values: Float32Array, template: readonly number[]): number {
  const n = values.length;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const g = values[i] as number;
    const s = template[i] as number;
    sx += g;
    sy += s;
    sxx += g * g;
    syy += s * s;
    sxy += g * s;
  }
  const cov = sxy - (sx * sy) / n;
  const vg = sxx - (sx * sx) / n;
  const vs = syy - (sy * sy) / n;
  return vg <= 0 || vs <= 0 ? 0 : cov / Math.sqrt(vg * vs);
}

/**
 * Every version's first guess (no alignment search) scored by its correlation at the known modules, best
 * first: a few hundred samples each, so a guessed finder position can be judged before any fit is paid for.
 * `from`–`to`: the versions to score.
 */
export function scoreVersions(
  source: Luma,
  finders: FinderTriple,
  from = 1,
  to = MAX_VERSION,
): { version: number; score: number }[] {
  const scored: { version: number; score: number }[] = [];
  for (let version = Math.max(1, from); version <= Math.min(MAX_VERSION, to); version++) {
    const guess = firstGuess(source, finders, version, false);
    if (guess !== null) scored.push({ version, score: guess.score });
  }
  return scored.sort((a, b) => b.score - a.score);
}

/** Grey at a sub-pixel position, bilinear, clamped at the edges. */
export function bilinear(image: Luma, x: number, y: number): number {
  const { width: w, height: h, data } = image;
  const fx = Math.min(Math.max(x - 0.5, 0), w - 1.001);
  const fy = Math.min(Math.max(y - 0.5, 0), h - 1.001);
  const x0 = Math.floor(fx);
  const y0 = Math.floor(fy);
  const ax = fx - x0;
  const ay = fy - y0;
  const i = y0 * w + x0;
  const top = (data[i] as number) * (1 - ax) + (data[i + 1] as number) * ax;
  const bottom = (data[i + w] as number) * (1 - ax) + (data[i + w + 1] as number) * ax;
  return top * (1 - ay) + bottom * ay;
}
