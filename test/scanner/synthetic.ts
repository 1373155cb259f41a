import bwipjs from "bwip-js";
import QRCode from "qrcode";
import { createLuma, type Luma } from "../../src/scanner/image/luma.ts";

/**
 * Photographs of a QR code made up in memory: the symbol the `qrcode` package encodes (version 4, ECC M, as a
 * notice prints), laid on white paper with a perspective tilt, then blurred (Gaussian or motion), faded and
 * given seeded sensor noise. Each technique's test makes the trouble that technique is there for.
 */
export interface Shot {
  /** Pixels a module at the code's centre. */
  readonly module: number;
  /** Camera tilt about the vertical axis, degrees (the far side of the code shrinks). */
  readonly tiltDeg?: number;
  /** In-plane rotation, degrees. */
  readonly rotateDeg?: number;
  /** Gaussian blur width in pixels. */
  readonly gaussPx?: number;
  /** Motion blur: a streak this many pixels long at this angle (degrees). */
  readonly motionPx?: number;
  readonly motionDeg?: number;
  /** Ink and paper greys (default 20 and 235). */
  readonly ink?: number;
  readonly paper?: number;
  /** Gaussian sensor noise, grey levels. */
  readonly noise?: number;
  /** Added light rising from left to right, grey levels over the picture. */
  readonly lightRamp?: number;
  /** Picture side in pixels (default: the code plus a generous margin). */
  readonly side?: number;
  readonly seed?: number;
}

export const samplePayload = "PAGOPA|002|397812588311420121|82855098206|193217";
export const secondPayload = "PAGOPA|002|301000000000123456|80016430345|5000";

export function photograph(text: string, shot: Shot): Luma {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M", version: 4 });
  const n = qr.modules.size;
  const dark = (r: number, c: number) => r >= 0 && c >= 0 && r < n && c < n && qr.modules.get(r, c) === 1;
  const side = shot.side ?? Math.ceil(n * shot.module * 2.2);
  const ink = shot.ink ?? 20;
  const paper = shot.paper ?? 235;
  const rot = ((shot.rotateDeg ?? 0) * Math.PI) / 180;
  const tilt = Math.tan(((shot.tiltDeg ?? 0) * Math.PI) / 180);
  const centre = side / 2;
  // Pixel → module coordinates: undo rotation, then a projective tilt (depth grows with x), then scale.
  const toModule = (x: number, y: number) => {
    const dx = x - centre;
    const dy = y - centre;
    const rx = dx * Math.cos(-rot) - dy * Math.sin(-rot);
    const ry = dx * Math.sin(-rot) + dy * Math.cos(-rot);
    const w = 1 - (tilt * rx) / (n * shot.module);
    const u = rx / w / shot.module + n / 2;
    const v = ry / w / shot.module + n / 2;
    return { u, v };
  };
  let plane: Float32Array<ArrayBufferLike> = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      // 3×3 samples a pixel: module edges land between pixels as they do through a lens.
      let sum = 0;
      for (let sy = 0; sy < 3; sy++) {
        for (let sx = 0; sx < 3; sx++) {
          const { u, v } = toModule(x + (sx + 0.5) / 3, y + (sy + 0.5) / 3);
          sum += dark(Math.floor(v), Math.floor(u)) ? ink : paper;
        }
      }
      plane[y * side + x] = sum / 9;
    }
  }
  if (shot.gaussPx !== undefined && shot.gaussPx > 0) plane = convolve(plane, side, gaussTaps(shot.gaussPx));
  if (shot.motionPx !== undefined && shot.motionPx > 0) {
    plane = convolve(plane, side, motionTaps(shot.motionPx, ((shot.motionDeg ?? 0) * Math.PI) / 180));
  }
  const random = mulberry32(shot.seed ?? 1);
  const out = createLuma(side, side);
  for (let i = 0; i < plane.length; i++) {
    const ramp = ((i % side) / side) * (shot.lightRamp ?? 0);
    const v = (plane[i] as number) + ramp + gaussian(random) * (shot.noise ?? 0);
    out.data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
  return out;
}

interface Taps {
  readonly radius: number;
  readonly weights: Float32Array;
}

function gaussTaps(sigma: number): Taps {
  const radius = Math.ceil(sigma * 3);
  const size = 2 * radius + 1;
  const weights = new Float32Array(size * size);
  for (let y = -radius; y <= radius; y++)
    for (let x = -radius; x <= radius; x++)
      weights[(y + radius) * size + x + radius] = Math.exp(-(x * x + y * y) / (2 * sigma * sigma));
  return normalised(radius, weights);
}

function motionTaps(length: number, angle: number): Taps {
  const radius = Math.ceil(length / 2) + 1;
  const size = 2 * radius + 1;
  const weights = new Float32Array(size * size);
  for (let k = 0; k <= 64; k++) {
    const t = (k / 64 - 0.5) * length;
    const x = t * Math.cos(angle) + radius;
    const y = t * Math.sin(angle) + radius;
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const ax = x - x0;
    const ay = y - y0;
    const add = (xx: number, yy: number, w: number) => {
      if (xx >= 0 && yy >= 0 && xx < size && yy < size)
        weights[yy * size + xx] = (weights[yy * size + xx] as number) + w;
    };
    add(x0, y0, (1 - ax) * (1 - ay));
    add(x0 + 1, y0, ax * (1 - ay));
    add(x0, y0 + 1, (1 - ax) * ay);
    add(x0 + 1, y0 + 1, ax * ay);
  }
  return normalised(radius, weights);
}

function normalised(radius: number, weights: Float32Array): Taps {
  let total = 0;
  for (const w of weights) total += w;
  for (let i = 0; i < weights.length; i++) weights[i] = (weights[i] as number) / total;
  return { radius, weights };
}

function convolve(plane: Float32Array, side: number, taps: Taps): Float32Array {
  const { radius, weights } = taps;
  const size = 2 * radius + 1;
  const out = new Float32Array(plane.length);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let acc = 0;
      for (let ky = -radius; ky <= radius; ky++) {
        const yy = Math.min(side - 1, Math.max(0, y + ky));
        for (let kx = -radius; kx <= radius; kx++) {
          const w = weights[(ky + radius) * size + kx + radius] as number;
          if (w === 0) continue;
          const xx = Math.min(side - 1, Math.max(0, x + kx));
          acc += (plane[yy * side + xx] as number) * w;
        }
      }
      out[y * side + x] = acc;
    }
  }
  return out;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** A Data Matrix as the Poste slip prints it, encoded by bwip-js: 1 for a dark module, row by row. */
export function dataMatrixModules(text: string): {
  size: number;
  width: number;
  dark: (r: number, c: number) => boolean;
} {
  const [symbol] = bwipjs.raw("datamatrix", text, {}) as { pixs: number[]; pixx: number; pixy: number }[];
  if (symbol === undefined) throw new Error("bwip-js made no Data Matrix");
  const { pixs, pixx, pixy } = symbol;
  return { size: pixy, width: pixx, dark: (r, c) => pixs[r * pixx + c] === 1 };
}

/**
 * A notice's payment slip photographed: a pagoPA QR code (from `photograph`) that glare has washed out across
 * its middle, beyond what its error correction restores, and beside it the Poste Data Matrix of the same notice
 * with modules of `module` px, lightly softened.
 */
export function slipWithDataMatrix(qrText: string, dataMatrixText: string, module: number): Luma {
  const qr = photograph(qrText, { module });
  const dm = dataMatrixModules(dataMatrixText);
  const dmSide = Math.ceil(dm.width * module);
  const width = qr.width + dmSide + Math.ceil(12 * module);
  const height = Math.max(qr.height, dmSide + Math.ceil(16 * module));
  const page = createLuma(width, height);
  page.data.fill(235);
  for (let y = 0; y < qr.height; y++) page.data.set(qr.data.subarray(y * qr.width, (y + 1) * qr.width), y * width);
  // Glare: a white band over the middle third of the code's data.
  const band = Math.ceil(qr.height / 3);
  for (let y = band; y < 2 * band; y++)
    page.data.fill(250, y * width + Math.floor(qr.width / 3), y * width + qr.width - 5);
  const x0 = qr.width + Math.ceil(4 * module);
  const y0 = Math.ceil(8 * module);
  for (let y = 0; y < dmSide; y++) {
    for (let x = 0; x < dmSide; x++) {
      if (dm.dark(Math.floor(y / module), Math.floor(x / module))) page.data[(y0 + y) * width + x0 + x] = 25;
    }
  }
  return page;
}
