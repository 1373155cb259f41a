import { adaptiveThreshold, smooth } from "../image/filters.ts";
import { invertLuma, type Luma } from "../image/luma.ts";
import { boxReduce, fitLongSide, scaleLuma } from "../image/resample.ts";
import type { Deadline } from "./deadline.ts";
import { type FinderCandidate, findFinderPatterns } from "./finder.ts";
import { centre, contains, growQuad, mapCorners, type Quad, side } from "./geometry.ts";
import { readGrid } from "./grid-decode.ts";
import type { FinderTriple } from "./grid-fit.ts";
import { readQr } from "./jsqr-read.ts";
import { paintQuad } from "./mask.ts";
import { completePairs } from "./pair-complete.ts";
import { type Found, type RegionVariant, readRegion, regionVariants } from "./region-decode.ts";
import { proposeRegions, type Region } from "./regions.ts";
import { thresholdInPlace } from "./threshold-in-place.ts";

export type { Found } from "./region-decode.ts";

/** What the search needs to know: when to stop, and which texts count (the others are masked and ignored). */
export interface FindOptions {
  readonly deadline: Deadline;
  readonly wanted: (text: string) => boolean;
  /**
   * Parts of the search to leave out, for the benchmark's ablations: the first look on the halved plane
   * ("coarse"), a detector ("finders", "finders-smooth", "finders-blur", "finders-tiny", "finders-tiny3"), "whole"
   * or "whole-inverted", a region preparation by name ("m3", "m4-sharpen", …), the grid sampler ("grid") or its
   * parts ("grid-deblur", "grid-local", "grid-erasures", "grid-shifts"), triples that share a finder with a better
   * one ("shared-finders"), or the grid sampler on a third finder guessed from two ("pair-complete").
   */
  readonly skip?: readonly string[];
  /**
   * Only the cheap first look (a big photo's half-size decode: what it reads is kept, and a photo it does not read
   * is decoded whole and searched in full), whatever steps the search has beyond it.
   */
  readonly firstLookOnly?: boolean;
}

/** The state one search shares between its steps. */
interface Search {
  readonly source: Luma;
  readonly options: FindOptions;
  readonly found: Found[];
  /** The source shrunk to a size where whole-plane work stays cheap, and its scale. */
  readonly plane: Luma;
  readonly scale: number;
  /**
   * True during the first look and the first detector's plain reads (each three-finder region read once): they
   * run whatever the deadline says, so that a slow decode on a busy machine still gets one real look at the
   * picture. Everything after, the grid sampler included, stops at the deadline.
   */
  firstLook: boolean;
}

/** A way to find finder patterns: a binary plane made from the picture, and that plane's scale. */
interface Detector {
  readonly name: string;
  binary(search: Search): { image: Luma; scale: number } | null;
}

// Finder patterns are looked for on a plane of about this long side: a 12 MP photo is box-reduced by 2 (its
// codes' modules stay ≥ 2 px), phone-sized images are used as they are.
const PLANE_LONG_SIDE = 2000;

// The first look halves the plane when its long side is at least this: a Telegram photo (1280×960) is looked
// at as 640×480, a 1920×1440 one as 960×720, a 12 MP one as about 1000×750. Codes whose modules stay near 2 px
// there (most) are read at a quarter of the cost of thresholding and searching the plane itself (search time
// on the dev corpus: median 85 against 135 ms for photos of 1920 px and more, 39 against 54 ms on Telegram's).
const COARSE_MIN_SIDE = 1200;

// Enlarging a bigger image would cost more than its tiny modules are worth; a 1920×1440 photo is enlarged
// twice (its planes, the threshold's row sums included, take about 45 MB while the detector runs).
const TINY_MAX_SIDE = 2000;
const TINY_MAX_PIXELS = 11_100_000;

// jsqr's whole-picture search slows badly on noise (its finder search keeps every near-match); at this size
// one call stays around 50 ms on a clean picture and under half a second on a noisy one.
const WHOLE_LONG_SIDE = 1000;

// The grid sampler looks at the best few three-finder regions per detector: a code's own finders rank high,
// and on a page of text every further look-alike costs a fit.
const GRID_REGIONS = 4;

// Guessed third finders fitted per detector, best fitting first (a fit costs 5–40 ms).
const GRID_PAIRS = 3;

// About what one detector's threshold and finder search cost on a phone photo's plane (20–80 ms).
const DETECTOR_MS = 60;

// Regions proposed beyond this many are noise (text read as finder patterns).
const MAX_REGIONS = 16;

/**
 * The tiny-module detectors' plane: the picture enlarged (bilinear, so a finder's light ring keeps its sub-pixel
 * place) and thresholded over a window of a few enlarged modules with almost no offset.
 */
function enlargedRings(source: Luma, scale: number): { image: Luma; scale: number } {
  const enlarged = scaleLuma(source, scale, "bilinear");
  return { image: thresholdInPlace(enlarged, 5, 1), scale: enlarged.width / source.width };
}

const detectors: readonly Detector[] = [
  { name: "finders", binary: (s) => ({ image: adaptiveThreshold(s.plane, 12, 5), scale: s.scale }) },
  {
    // Sensor noise breaks the runs of a finder pattern; a 3×3 mean first joins them again.
    name: "finders-smooth",
    binary: (s) => ({ image: adaptiveThreshold(smooth(s.plane, 1), 12, 3), scale: s.scale }),
  },
  {
    // Blur of about a module merges a finder's one-module rings into its centre over a 25 px window; a
    // window a few modules wide, on a lightly smoothed plane, still sees each ring lighter than its
    // neighbours. (Noisier on text, so it comes after the two above; the grid sampler reads what it finds.)
    name: "finders-blur",
    binary: (s) => ({ image: adaptiveThreshold(smooth(s.plane, 1), 4, 1), scale: s.scale }),
  },
  {
    // Modules of 1.5–2 px under a little blur: the finder's one-module light ring is a pixel of slightly
    // lighter grey, which a window of 25 px averages away and integer runs cannot measure. Enlarged twice
    // (bilinear, so the ring keeps its sub-pixel place) and thresholded over a window of about three
    // modules with almost no offset, each ring is two or three pixels of its own shade again. Paper grain
    // turns into specks at that offset, but they rarely pass the run ratios on three lines.
    name: "finders-tiny",
    binary: (s) => {
      const { width, height } = s.source;
      if (Math.max(width, height) > TINY_MAX_SIDE) return null;
      return enlargedRings(s.source, Math.min(2, Math.sqrt(TINY_MAX_PIXELS / (width * height))));
    },
  },
  {
    // Modules under a pixel (a small notice in a Telegram photo, 1280×960): enlarged twice they are still under
    // two pixels, too few for their rings to part. Where the same 11 MP allow it, enlarged three times, with the
    // same window, which spans about four of their modules (codes of two-pixel modules, which that window
    // would no longer span, are the detector before's).
    name: "finders-tiny3",
    binary: (s) => {
      const { width, height } = s.source;
      if (Math.sqrt(TINY_MAX_PIXELS / (width * height)) < 3) return null;
      return enlargedRings(s.source, 3);
    },
  },
];

/**
 * Finds every QR code on a luminance plane and returns the wanted ones (pagoPA payloads), each once, in the
 * order they are printed. First a cheap look with each detector: every region three finder patterns make is
 * read once, plainly; most pictures end there. Then jsqr's own search over the whole picture. Then every
 * region found gets every preparation, best region first, until a wanted code is read or the deadline.
 */
export function findCodes(source: Luma, options: FindOptions): Found[] {
  const reduce = Math.round(Math.max(source.width, source.height) / PLANE_LONG_SIDE);
  const plane = boxReduce(source, reduce);
  const search: Search = { source, options, found: [], plane, scale: plane.width / source.width, firstLook: true };
  const enabled = (name: string) => !options.skip?.includes(name);
  const variants = regionVariants.filter((v) => enabled(v.name));
  const [plain, ...others] = variants;
  const done = () => search.found.some((f) => options.wanted(f.text));
  /** What the search has read of what is wanted, in print order: its answer whenever it stops. */
  const answer = () => inPrintOrder(search.found.filter((f) => options.wanted(f.text)));
  const regions: Region[] = [];
  const tried = new Set<Region>();
  // Each detector's finder candidates, for guessing a third finder where only two were found.
  const seen: { candidates: FinderCandidate[]; scale: number }[] = [];

  // The cheap first look: most codes are read from a plane half the size at a quarter of the cost.
  const glanced = enabled("coarse") && plain !== undefined ? glance(search, plain, tried) : [];
  if (options.firstLookOnly === true) return answer();
  // Done when every glanced region of the read code's size was read (one of another size is a look-alike).
  if (done() && glanced.every((r) => covered(search, r) || !likeFound(search, r))) {
    return answer();
  }

  for (const detector of detectors) {
    if (!enabled(detector.name)) continue;
    // A detector costs tens of milliseconds before its first read: none is started with less than that left.
    if (!search.firstLook && options.deadline.left() < DETECTOR_MS) break;
    const binary = detector.binary(search);
    if (binary === null) continue;
    const candidates = findFinderPatterns(binary.image);
    const proposed = proposeRegions(candidates, binary.scale, { shared: enabled("shared-finders") })
      .slice(0, MAX_REGIONS)
      .filter((r) => !regions.some((known) => sameRegion(known, r)));
    regions.push(...proposed);
    // A region the first look tried and could not read is read again from here only where this plane places
    // it differently (the halved plane can misjudge the module size by a tenth, and jsqr then misses the
    // crop); placed alike, the same crop would fail the same way.
    for (const region of proposed) {
      if (glanced.some((g) => placedAlike(g, region))) tried.add(region);
      if (plain !== undefined && region.from === 3 && !tried.has(region) && likeFound(search, region))
        attempt(search, region, plain, tried);
    }
    search.firstLook = false;
    // Only where the plain look read nothing wanted (a clear photo never pays for it): the grid sampler, cheap
    // next to the region variants below, and it reads what blur and tilt keep them from reading.
    if (enabled("grid") && !done()) {
      const triples = proposed.filter((r) => r.from === 3 && likeFound(search, r)).slice(0, GRID_REGIONS);
      for (const region of triples) attemptGrid(search, region);
    }
    seen.push({ candidates, scale: binary.scale });
    if (done()) {
      // A second instalment's code may have shown only two of its finder patterns.
      for (const region of regions) {
        if (plain !== undefined && region.from === 2 && !tried.has(region) && likeFound(search, region))
          attempt(search, region, plain, tried);
      }
      return answer();
    }
  }
  // Where two finder patterns were found but no third (blur, glare or a fold hid it), the code's geometry
  // says where the third can be; the grid sampler fits the guesses the grey agrees with. After every
  // detector has had its look: a detector's own triples read more often, and sooner.
  for (const { candidates, scale } of seen) {
    if (!enabled("grid") || !enabled("pair-complete") || done() || options.deadline.passed()) break;
    for (const triple of completePairs(source, candidates, scale, GRID_PAIRS)) attemptTriple(search, triple);
  }
  if (done()) return answer();
  if (enabled("whole") && options.deadline.left() > 400) {
    // jsqr's own search over the whole picture, kept small: on a noisy plane its finder search slows a lot.
    const view = fitWithin(plane, WHOLE_LONG_SIDE);
    readWhole(search, view, (search.scale * view.width) / plane.width);
    if (!done() && enabled("whole-inverted") && options.deadline.left() > 400) {
      readWhole(search, invertLuma(view), (search.scale * view.width) / plane.width);
    }
  }
  regions.sort((a, b) => b.from - a.from || b.score - a.score);
  // Three-finder regions are nearly always codes: each gets every preparation before the weaker proposals.
  for (const strong of [true, false]) {
    for (const variant of [plain, ...others]) {
      if (variant === undefined) break;
      for (const region of regions) {
        if (done() || options.deadline.passed()) break;
        if ((region.from === 3) !== strong || (variant === plain && tried.has(region))) continue;
        attempt(search, region, variant, tried);
      }
    }
  }
  return answer();
}

/**
 * The first look, on the plane halved (when the plane is big enough for its codes to survive that): finder
 * patterns found there, and each three-finder region read once, plainly, from the full-resolution source.
 * Returns the three-finder regions it saw, read or not: while one is unread, the full plane is searched too
 * (a second instalment's code, or finders the halved plane placed too roughly).
 */
function glance(search: Search, plain: RegionVariant, tried: Set<Region>): Region[] {
  const { plane } = search;
  if (Math.max(plane.width, plane.height) < COARSE_MIN_SIDE) return [];
  const coarse = boxReduce(plane, 2);
  const binary = adaptiveThreshold(coarse, 6, 5);
  const proposed = proposeRegions(findFinderPatterns(binary), coarse.width / search.source.width)
    .slice(0, MAX_REGIONS)
    .filter((r) => r.from === 3);
  for (const region of proposed) if (likeFound(search, region)) attempt(search, region, plain, tried);
  return proposed;
}

function attempt(search: Search, region: Region, variant: RegionVariant, tried: Set<Region>): void {
  if ((!search.firstLook && search.options.deadline.passed()) || covered(search, region)) return;
  tried.add(region);
  const hit = readRegion(search.source, region, variant, masks(search));
  if (hit !== null) add(search, hit);
}

/** The grid sampler on a three-finder region (grid-decode.ts), unless a code was already read there. */
function attemptGrid(search: Search, region: Region): void {
  if (region.finders === undefined || covered(search, region)) return;
  const { deadline, skip } = search.options;
  if (deadline.passed()) return;
  const hit = readGrid(search.source, region.finders, { skip, deadline });
  if (hit !== null) add(search, hit);
}

/** The grid sampler on three finder centres guessed from two, unless a code was already read there. */
function attemptTriple(search: Search, finders: FinderTriple): void {
  const { deadline, skip } = search.options;
  if (deadline.passed()) return;
  const { topRight: b, bottomLeft: c } = finders;
  const middle = { x: (b.x + c.x) / 2, y: (b.y + c.y) / 2 };
  if (search.found.some((f) => contains(growQuad(f.quad, 1.3), middle))) return;
  const hit = readGrid(search.source, finders, { skip, deadline });
  if (hit !== null) add(search, hit);
}

/** A second instalment's code is printed at the same size as the first: once one is read, only regions of
 * about its module size are worth a look. */
function likeFound(search: Search, region: Region): boolean {
  const wanted = search.found.filter((f) => search.options.wanted(f.text));
  if (wanted.length === 0) return true;
  const codeSide = region.module * 33;
  return wanted.some((f) => codeSide > side(f.quad) * 0.65 && codeSide < side(f.quad) * 1.5);
}

/** The same region, placed alike: module sizes within 6 % and centres within a module of each other. */
function placedAlike(a: Region, b: Region): boolean {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  const ratio = a.module / b.module;
  return a.from === b.from && Math.hypot(dx, dy) < a.module && ratio > 0.94 && ratio < 1.06;
}

/** Two detectors proposing the same place: centres within a quarter of the region and modules alike. */
function sameRegion(a: Region, b: Region): boolean {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  const ratio = a.module / b.module;
  return a.from === b.from && Math.hypot(dx, dy) < Math.min(a.width, b.width) / 4 && ratio > 0.75 && ratio < 1.33;
}

/** jsqr on a whole plane, painting out each code it reads and looking again (it reads one per call). */
function readWhole(search: Search, view: Luma, scale: number): void {
  const image = { ...view, data: view.data.slice() };
  const toView = (q: Quad) => mapCorners(q, (p) => ({ x: p.x * scale, y: p.y * scale }));
  for (const mask of masks(search)) paintQuad(image, toView(mask));
  for (let i = 0; i < 4 && !search.options.deadline.passed(); i++) {
    const read = readQr(image);
    if (read === null) return;
    const quad = mapCorners(read.corners, (p) => ({ x: p.x / scale, y: p.y / scale }));
    add(search, { text: read.text, quad });
    paintQuad(image, growQuad(read.corners, 1.3));
  }
}

function fitWithin(image: Luma, longSide: number): Luma {
  return Math.max(image.width, image.height) > longSide ? fitLongSide(image, longSide) : image;
}

function add(search: Search, hit: Found): void {
  // The same text again is kept too: a second place to mask (a sheet may print one code twice).
  search.found.push(hit);
}

function masks(search: Search): Quad[] {
  return search.found.map((f) => growQuad(f.quad, 1.3));
}

function covered(search: Search, region: Region): boolean {
  const c = { x: region.x + region.width / 2, y: region.y + region.height / 2 };
  return search.found.some((f) => contains(growQuad(f.quad, 1.3), c));
}

/**
 * Orders codes as printed, top to bottom. A photo may be turned any way, but each code is printed upright on
 * the sheet, so its own top-left → bottom-left edge says where the sheet's "down" is.
 */
function inPrintOrder(found: readonly Found[]): Found[] {
  const unique = new Map<string, Found>();
  for (const f of found) if (!unique.has(f.text)) unique.set(f.text, f);
  const codes = [...unique.values()];
  let dx = 0;
  let dy = 0;
  for (const { quad } of codes) {
    const len = Math.hypot(quad[3].x - quad[0].x, quad[3].y - quad[0].y) || 1;
    dx += (quad[3].x - quad[0].x) / len;
    dy += (quad[3].y - quad[0].y) / len;
  }
  const key = (f: Found) => {
    const c = centre(f.quad);
    return c.x * dx + c.y * dy;
  };
  return codes.sort((a, b) => key(a) - key(b));
}
