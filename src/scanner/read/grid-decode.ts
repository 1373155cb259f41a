import { createLuma, type Luma } from "../image/luma.ts";
import type { Deadline } from "./deadline.ts";
import type { Quad } from "./geometry.ts";
import { localThreshold, normalise, sampleModules, threshold } from "./grid-bits.ts";
import { deblur, estimateBlurs } from "./grid-deblur.ts";
import { type FinderTriple, fitGrid, type GridFit, rankVersions } from "./grid-fit.ts";
import { readQr } from "./jsqr-read.ts";
import { project } from "./perspective.ts";
import type { QrLayout } from "./qr-layout.ts";

/** Parts of the grid reader that the benchmark's ablations can leave out, by name. */
export interface GridOptions {
  /** "grid-deblur": no blur estimation; "grid-local": no local threshold on the grid. */
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
  const enabled = (name: string) => !options.skip?.includes(name);
  const late = () => options.deadline?.passed() === true;
  for (const version of rankVersions(source, finders)) {
    if (late()) return null;
    const fit = fitGrid(source, finders, version);
    if (fit === null) continue;
    const grey = sampleModules(source, fit);
    const shade = normalise(grey, fit);
    const levels = threshold(shade, 0.5);
    const guesses: (() => Uint8Array)[] = [() => levels];
    if (enabled("grid-local")) guesses.push(() => localThreshold(shade, fit.layout.stride, 4));
    // Deconvolving costs the most; a grid that fits its patterns this poorly is no code worth it.
    if (enabled("grid-deblur") && fit.score >= DEBLUR_MIN_SCORE) {
      for (const blur of estimateBlurs(shade, fit.layout, levels, BLUR_GUESSES))
        guesses.push(() => deblur(shade, fit.layout, levels, blur));
    }
    for (const guess of guesses) {
      if (late()) return null;
      const read = readBits(guess(), fit);
      if (read !== null) return read;
    }
  }
  return null;
}

// Fit scores of real blurred codes on the corpus sit above 0.6; finder look-alikes in text mostly below.
const DEBLUR_MIN_SCORE = 0.55;

// Blurs tried per code, best fitting first (each costs a deconvolution, 5–10 ms).
const BLUR_GUESSES = 2;

// The clean symbol drawn for jsqr: modules this many pixels, and a quiet zone this many modules wide.
const MODULE_PX = 4;
const QUIET = 4;

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
