import { adaptiveThreshold, smooth } from "../image/filters.ts";
import type { Luma } from "../image/luma.ts";
import { boxReduce } from "../image/resample.ts";
import type { Deadline } from "./deadline.ts";
import { findFinderPatterns } from "./finder.ts";
import { centre, contains, growQuad, mapCorners, type Quad, side } from "./geometry.ts";
import { readQr } from "./jsqr-read.ts";
import { paintQuad } from "./mask.ts";
import { type Found, type RegionVariant, readRegion, regionVariants } from "./region-decode.ts";
import { proposeRegions, type Region } from "./regions.ts";

export type { Found } from "./region-decode.ts";

/** What the search needs to know: when to stop, and which texts count (the others are masked and ignored). */
export interface FindOptions {
  readonly deadline: Deadline;
  readonly wanted: (text: string) => boolean;
  /** Steps to leave out, by name (the benchmark's ablations). */
  readonly skip?: readonly string[];
}

/** The state one search shares between its steps. */
interface Search {
  readonly source: Luma;
  readonly options: FindOptions;
  readonly found: Found[];
  /** The source shrunk to a size where whole-plane work stays cheap, and its scale. */
  readonly plane: Luma;
  readonly scale: number;
}

interface Step {
  readonly name: string;
  run(search: Search): void;
}

// Finder patterns are looked for on a plane of about this long side: a 12 MP photo is box-reduced by 2 (its
// codes' modules stay ≥ 2 px), phone-sized images are used as they are.
const PLANE_LONG_SIDE = 2000;

// Regions proposed beyond this many are noise (text read as finder patterns).
const MAX_REGIONS = 16;

const never: Deadline = { left: () => Number.POSITIVE_INFINITY, passed: () => false };

const steps: readonly Step[] = [
  { name: "finders", run: (s) => readRegions(s, adaptiveThreshold(s.plane, 12, 5)) },
  { name: "finders-smooth", run: (s) => readRegions(s, adaptiveThreshold(smooth(s.plane, 1), 12, 3)) },
  { name: "whole", run: (s) => readWhole(s, s.plane, s.scale) },
];

/**
 * Finds every QR code on a luminance plane and returns the wanted ones (pagoPA payloads), each once, in the
 * order they are printed. Steps go from cheap and likely to slow and rare; the search stops after a step
 * that read a wanted code, or at the deadline.
 */
export function findCodes(source: Luma, options: FindOptions): Found[] {
  const reduce = Math.round(Math.max(source.width, source.height) / PLANE_LONG_SIDE);
  const plane = boxReduce(source, reduce);
  const search: Search = { source, options, found: [], plane, scale: plane.width / source.width };
  let first = true;
  for (const step of steps) {
    if (options.skip?.includes(step.name)) continue;
    // The first step always runs to its end, so a slow decode on a busy machine still gets one full look.
    if (!first && options.deadline.passed()) break;
    step.run(first ? { ...search, options: { ...options, deadline: never } } : search);
    first = false;
    if (search.found.some((f) => options.wanted(f.text))) break;
  }
  return inPrintOrder(search.found.filter((f) => options.wanted(f.text)));
}

/**
 * Reads the regions the finder patterns propose. The first pass is cheap and nearly always enough: each
 * three-finder region once, plainly prepared (3–15 ms apiece). Once a wanted code is read, only regions that
 * could be a second code of the same print (a pair of finders of the same module size) get a look. Otherwise
 * every region gets every preparation, best first, until the deadline.
 */
function readRegions(search: Search, binary: Luma): void {
  const regions = proposeRegions(findFinderPatterns(binary), search.scale).slice(0, MAX_REGIONS);
  const [plain, ...others] = regionVariants;
  if (plain === undefined) return;
  const tried = new Set<Region>();
  const attempt = (region: Region, variant: RegionVariant) => {
    if (search.options.deadline.passed() || covered(search, region)) return;
    tried.add(region);
    const hit = readRegion(search.source, region, variant, masks(search));
    if (hit !== null) add(search, hit);
  };
  // A second instalment's code is printed at the same size as the first: once one is read, only regions of
  // about its module size are worth a look.
  const likeFound = (region: Region) => {
    const wanted = search.found.filter((f) => search.options.wanted(f.text));
    if (wanted.length === 0) return true;
    const codeSide = region.module * 33;
    return wanted.some((f) => codeSide > side(f.quad) * 0.65 && codeSide < side(f.quad) * 1.5);
  };
  for (const region of regions) if (region.from === 3 && likeFound(region)) attempt(region, plain);
  if (search.found.some((f) => search.options.wanted(f.text))) {
    for (const region of regions)
      if (region.from === 2 && !tried.has(region) && likeFound(region)) attempt(region, plain);
    return;
  }
  for (const region of regions) {
    for (const variant of tried.has(region) ? others : regionVariants) {
      if (search.found.some((f) => search.options.wanted(f.text))) return;
      attempt(region, variant);
    }
  }
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
