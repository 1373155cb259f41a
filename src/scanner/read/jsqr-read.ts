import jsqr from "jsqr";
import { type Luma, rgbaFromLuma } from "../image/luma.ts";
import type { Quad } from "./geometry.ts";

/** One QR code jsqr read: its text and its four corners in the plane it was read from. */
export interface QrRead {
  readonly text: string;
  readonly corners: Quad;
}

/**
 * Runs jsqr once on a luminance plane. jsqr reads one code per call and binarises with its own local
 * threshold; we never ask it to try the inverted image (that doubles the time, and pagoPA prints dark on
 * light: an inverted attempt is a separate, explicit variant).
 */
export function readQr(image: Luma): QrRead | null {
  if (image.width < 21 || image.height < 21) return null;
  const rgba = rgbaFromLuma(image);
  // jsqr is CommonJS: its function is module.exports, and also its own `.default`, which is what the types see.
  const found = jsqr.default(rgba, image.width, image.height, { inversionAttempts: "dontInvert" });
  if (found === null || found.data === "") return null;
  const l = found.location;
  return {
    text: found.data,
    corners: [l.topLeftCorner, l.topRightCorner, l.bottomRightCorner, l.bottomLeftCorner],
  };
}
