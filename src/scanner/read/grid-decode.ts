import { createLuma, type Luma } from "../image/luma.ts";
import type { Deadline } from "./deadline.ts";
import type { Quad } from "./geometry.ts";
import { localThreshold, normalise, sampleModules, threshold } from "./grid-bits.ts";
import { deblur, estimateBlurs } from "./grid-deblur.ts";
import { correctWithErasures } from "./grid-erasures.ts";
import { type FinderTriple, fitGrid, type GridFit, rankVersions } from "./grid-fit.ts";
import { readQr } from "./jsqr-read.ts";
import { homographyFrom, project } from "./perspective.ts";
import type { QrLayout } from "./qr-layout.ts";

/** Parts of the grid reader that the benchmark's ablations can leave out, by name. */
export interface GridOptions {
  /**
   * "grid-deblur": no blur estimation; "grid-local": no local threshold on the grid; "grid-erasures": no
   * error correction told the unsure codewords; "grid-shifts": no second reading of a good fit moved by a
   * fraction of a module.
   */
  readonly skip?: readonly string[];
  /**
   * Checked before each version's fit and each guess (a fit or a deconvolution is 5–40 ms, the whole step
   * up to a few hundred on a code that will not read): past it, the step gives up with what it has.
   */
  readonly deadline?: Deadline;
}

/**
 * Reads a code by sampling its module grid straight from the photo: the perspective is fitted to the finder
 * and alignment patterns (grid-fit.ts), each module's shade is sampled, and the shades are turned into dark
 * and light in several ways — levels learnt from the known modules, a local threshold over the grid, and the
 * grid solved under the blur the known modules show. Each guess is drawn as a clean symbol and handed to jsqr,
 * whose Reed–Solomon decoding is the arbiter: a wrong guess fails its error correction and is never reported.
 * Returns the text and the code's corners in source pixels.
 */
export function readGrid(
  source: Luma,
  finders: FinderTriple,
  options: GridOptions = {},
): { text: string; quad: Quad } | null {
  for (const version of rankVersions(source, finders)) {
    if (options.deadline?.passed() === true) return null;
    const fit = fitGrid(source, finders, version);
    if (fit === null) continue;
    const read = readFitted(source, fit, options);
    if (read !== null) return read;
    if (!options.skip?.includes("grid-shifts") && fit.score >= SHIFT_MIN_SCORE && firstShiftHere(source, fit)) {
      for (const [du, dv] of SHIFTS) {
        if (options.deadline?.passed() === true) return null;
        const shifted = readFitted(source, shift(fit, du, dv), options);
        if (shifted !== null) return shifted;
      }
    }
  }
  return null;
}

// Where on each picture a fit has been read moved (the centre, and the module size there): several detectors
// and guessed finders find the same code, and its moved grids are read once.
const shiftedAt = new WeakMap<Luma, { x: number; y: number; module: number }[]>();

function firstShiftHere(source: Luma, fit: GridFit): boolean {
  const half = fit.layout.size / 2;
  const c = project(fit.homography, half, half);
  const next = project(fit.homography, half + 1, half);
  const module = Math.hypot(next.x - c.x, next.y - c.y);
  const seen = shiftedAt.get(source) ?? [];
  if (seen.some((s) => Math.hypot(s.x - c.x, s.y - c.y) < 2 * s.module)) return false;
  seen.push({ x: c.x, y: c.y, module });
  shiftedAt.set(source, seen);
  return true;
}

// A fit this good is a code's grid; where none of its guesses reads, the fit may still sit a fraction of a
// module off (under blur the patterns' correlation is flat near its peak, and modules of a pixel or two
// leave little to pin it): the grid is read again moved by this much, each way along and across.
const SHIFT_MIN_SCORE = 0.75;
const SHIFT = 0.15;
const SHIFTS: readonly (readonly [number, number])[] = [
  [SHIFT, 0],
  [-SHIFT, 0],
  [0, SHIFT],
  [0, -SHIFT],
  [SHIFT, SHIFT],
  [-SHIFT, -SHIFT],
  [SHIFT, -SHIFT],
  [-SHIFT, SHIFT],
];

/** The fit moved by (du, dv) modules across the symbol. */
function shift(fit: GridFit, du: number, dv: number): GridFit {
  const grid = [
    { x: 0, y: 0 },
    { x: 40, y: 0 },
    { x: 0, y: 40 },
    { x: 40, y: 40 },
  ];
  const moved = homographyFrom(
    grid,
    grid.map((p) => project(fit.homography, p.x + du, p.y + dv)),
  );
  return moved === null ? fit : { ...fit, homography: moved };
}

/** The module grid of one fit read every way the options allow (readGrid, after the fit). */
export function readFitted(source: Luma, fit: GridFit, options: GridOptions): { text: string; quad: Quad } | null {
  const enabled = (name: string) => !options.skip?.includes(name);
  const late = () => options.deadline?.passed() === true;
  const grey = sampleModules(source, fit);
  const shade = normalise(grey, fit);
  const levels = threshold(shade, 0.5);
  // Each guess with how sure it is of each module, for the error correction told the unsure codewords.
  const guesses: (() => Guess)[] = [() => ({ bits: levels, sure: distanceFrom(shade, 0.5) })];
  if (enabled("grid-local")) guesses.push(() => ({ bits: localThreshold(shade, fit.layout.stride, 4) }));
  // Deconvolving costs the most; a grid that fits its patterns this poorly is no code worth it.
  let deblurs = 0;
  if (enabled("grid-deblur") && fit.score >= DEBLUR_MIN_SCORE) {
    for (const blur of estimateBlurs(shade, fit.layout, levels, BLUR_GUESSES)) {
      deblurs++;
      guesses.push(() => {
        const sure = new Float32Array(shade.length);
        return { bits: deblur(shade, fit.layout, levels, blur, sure), sure };
      });
    }
  }
  const erasures = enabled("grid-erasures");
  const deblurred: Guess[] = [];
  for (const [k, next] of guesses.entries()) {
    if (late()) return null;
    const guess = next();
    const read = readBits(guess.bits, fit);
    if (read !== null) return read;
    if (!erasures || guess.sure === undefined) continue;
    if (k >= guesses.length - deblurs) deblurred.push(guess);
    const fixed = readCorrected(guess, fit);
    if (fixed !== null) return fixed;
  }
  // Close blurs err in different modules: their votes, each weighed by how sure it is, err less than either.
  if (deblurred.length > 1 && !late()) return readCorrected(vote(deblurred), fit);
  return null;
}

// Fit scores of real blurred codes on the corpus sit above 0.6; finder look-alikes in text mostly below.
const DEBLUR_MIN_SCORE = 0.55;

// Blurs tried per code, best fitting first (each costs a deconvolution, 5–10 ms).
const BLUR_GUESSES = 2;

// The clean symbol drawn for jsqr: modules this many pixels, and a quiet zone this many modules wide.
const MODULE_PX = 4;
const QUIET = 4;

interface Guess {
  readonly bits: Uint8Array;
  readonly sure?: Float32Array;
}

/** How far each shade is from the level: the distance a module would have to move to be read the other way. */
function distanceFrom(shade: Float32Array, level: number): Float32Array {
  return shade.map((v) => Math.abs(v - level));
}

/** The error correction told the guess's unsure codewords (grid-erasures.ts), then jsqr on what it corrected. */
function readCorrected(guess: Guess, fit: GridFit): { text: string; quad: Quad } | null {
  if (guess.sure === undefined) return null;
  const corrected = correctWithErasures(guess.bits, guess.sure, fit.layout);
  return corrected === null ? null : readBits(corrected, fit);
}

/**
 * The guesses' votes per module: each says dark or light with the weight of its sureness over its median
 * sureness (capped at 3, so that no one guess outvotes the rest on a module it is merely sure of).
 */
function vote(guesses: readonly Guess[]): Guess {
  const length = guesses[0]?.bits.length ?? 0;
  const tally = new Float32Array(length);
  for (const { bits, sure } of guesses) {
    if (sure === undefined) continue;
    const finite = [...sure].filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
    const median = finite[finite.length >> 1] || 1;
    for (let i = 0; i < length; i++) {
      const v = sure[i] as number;
      if (Number.isFinite(v)) tally[i] = (tally[i] as number) + (bits[i] === 1 ? 1 : -1) * Math.min(3, v / median);
    }
  }
  return { bits: Uint8Array.from(tally, (t) => (t > 0 ? 1 : 0)), sure: tally.map(Math.abs) };
}

function readBits(bits: Uint8Array, fit: GridFit): { text: string; quad: Quad } | null {
  const image = render(bits, fit.layout);
  const read = readQr(image);
  if (read === null) return null;
  // jsqr's corners, in the drawn symbol, back to module units and through the fitted perspective.
  const toSource = (p: { x: number; y: number }) =>
    project(fit.homography, p.x / MODULE_PX - QUIET, p.y / MODULE_PX - QUIET);
  const c = read.corners;
  return { text: read.text, quad: [toSource(c[0]), toSource(c[1]), toSource(c[2]), toSource(c[3])] };
}

/** Draws the modules (1 dark) as a symbol, the known ones at their true shade, on a white quiet zone. */
export function render(bits: Uint8Array, layout: QrLayout): Luma {
  const { size, stride, known } = layout;
  const side = (size + 2 * QUIET) * MODULE_PX;
  const image = createLuma(side, side);
  image.data.fill(255);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const i = (r + 1) * stride + (c + 1);
      const k = known[i] as number;
      const dark = k >= 0 ? k === 1 : bits[i] === 1;
      if (!dark) continue;
      const y0 = (r + QUIET) * MODULE_PX;
      const x0 = (c + QUIET) * MODULE_PX;
      for (let y = y0; y < y0 + MODULE_PX; y++) image.data.fill(0, y * side + x0, y * side + x0 + MODULE_PX);
    }
  }
  return image;
}
