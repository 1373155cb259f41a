import { adaptiveThreshold, smooth, stretchContrast, unsharp } from "../image/filters.ts";
import { cropLuma, type Luma } from "../image/luma.ts";
import { scaleLuma } from "../image/resample.ts";
import { mapCorners, type Quad } from "./geometry.ts";
import { readQr } from "./jsqr-read.ts";
import { paintQuad } from "./mask.ts";
import type { Region } from "./regions.ts";

/** A code read somewhere in the source plane: its text and its corners in source pixels. */
export interface Found {
  readonly text: string;
  readonly quad: Quad;
}

/** A way to prepare a region before jsqr reads it: the module size to scale to, and a filter. */
export interface RegionVariant {
  readonly name: string;
  readonly module: number;
  readonly filter: "none" | "sharpen" | "smooth" | "sharpen-threshold" | "smooth-sharpen" | "sharpen-stretch";
}

// In the order they earn their keep on the development corpus: plain at 4 px a module reads most codes; 3 px
// rescues tiny modules enlarged from under 2 px (less interpolation to invent); an unsharp mask rescues mild
// blur; our own local threshold after sharpening rescues blur with uneven light; larger modules with a
// little smoothing rescue noise and JPEG blocking; smoothing then sharpening hard rescues noise with motion
// blur; stretching the region's contrast rescues faded codes, whose local contrast jsqr's binariser (it
// ignores 8 px blocks spanning under 24 grey levels) would take for blank paper.
export const regionVariants: readonly RegionVariant[] = [
  { name: "m4", module: 4, filter: "none" },
  { name: "m3", module: 3, filter: "none" },
  { name: "m4-sharpen", module: 4, filter: "sharpen" },
  { name: "m3-sharpen", module: 3, filter: "sharpen" },
  { name: "m3-sharpen-threshold", module: 3, filter: "sharpen-threshold" },
  { name: "m6-smooth", module: 6, filter: "smooth" },
  { name: "m4-smooth-sharpen", module: 4, filter: "smooth-sharpen" },
  { name: "m3-sharpen-stretch", module: 3, filter: "sharpen-stretch" },
];

// Regions are cut at most this many pixels a side after scaling: bounded work per jsqr call.
const MAX_SIDE = 560;

/**
 * Cuts a region out of the source, scales it so a module is about `variant.module` px (enlarging tiny
 * modules with a cubic kernel, shrinking by area), filters it and lets jsqr read it.
 */
export function readRegion(
  source: Luma,
  region: Region,
  variant: RegionVariant,
  masks: readonly Quad[] = [],
): Found | null {
  const crop = cropLuma(source, region.x, region.y, region.width, region.height);
  if (crop.width < 8 || crop.height < 8) return null;
  let scale = variant.module / region.module;
  const side = Math.max(crop.width, crop.height) * scale;
  if (side > MAX_SIDE) scale *= MAX_SIDE / side;
  let view = scaleLuma(crop, scale, "cubic");
  view = prepare(view, variant);
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  // The crop was resized to whole pixels: map with the scale actually applied on each axis.
  const sx = crop.width / view.width;
  const sy = crop.height / view.height;
  // Codes already read are painted out, so jsqr looks at the one not yet read.
  for (const mask of masks)
    paintQuad(
      view,
      mapCorners(mask, (p) => ({ x: (p.x - x0) / sx, y: (p.y - y0) / sy })),
    );
  const read = readQr(view);
  if (read === null) return null;
  return { text: read.text, quad: mapCorners(read.corners, (p) => ({ x: x0 + p.x * sx, y: y0 + p.y * sy })) };
}

function prepare(view: Luma, variant: RegionVariant): Luma {
  switch (variant.filter) {
    case "none":
      return view;
    case "sharpen":
      return unsharp(view, 2, variant.module > 3 ? 1.5 : 1);
    case "smooth":
      return smooth(view, 1);
    case "sharpen-threshold":
      return adaptiveThreshold(unsharp(view, 2, 1.5), variant.module * 3, 2);
    case "smooth-sharpen":
      return unsharp(smooth(view, 1), 2, 2);
    case "sharpen-stretch":
      return stretchContrast(unsharp(view, 2, 1.5), 0.02);
  }
}
