import type { Luma } from "../image/luma.ts";
import { bilinear, type GridFit } from "./grid-fit.ts";
import { project } from "./perspective.ts";

/**
 * Module shades of a fitted grid, over the symbol and the quiet zone's first ring (`layout.stride`² values,
 * row-major): the photo's grey averaged at five points of each module's middle (noise averages out; the
 * module's edges, where blur mixes in its neighbours, are left out).
 */
export function sampleModules(source: Luma, fit: GridFit): Float32Array {
  const { stride } = fit.layout;
  const out = new Float32Array(stride * stride);
  const offsets = [
    [0, 0],
    [-0.2, -0.2],
    [0.2, -0.2],
    [-0.2, 0.2],
    [0.2, 0.2],
  ] as const;
  for (let r = 0; r < stride; r++) {
    for (let c = 0; c < stride; c++) {
      let sum = 0;
      for (const [du, dv] of offsets) {
        const p = project(fit.homography, c - 1 + 0.5 + du, r - 1 + 0.5 + dv);
        sum += bilinear(source, p.x, p.y);
      }
      out[r * stride + c] = sum / offsets.length;
    }
  }
  return out;
}

/**
 * Grey rescaled so that dark print is 0 and paper 1 wherever on the symbol: the levels of the known dark and
 * known light modules are each fitted as a plane over the grid (light falls off across a photographed sheet).
 */
export function normalise(grey: Float32Array, fit: GridFit): Float32Array {
  const { known, stride } = fit.layout;
  const dark = planeFit(grey, known, stride, 1);
  const light = planeFit(grey, known, stride, 0);
  const out = new Float32Array(grey.length);
  for (let i = 0; i < grey.length; i++) {
    const r = Math.floor(i / stride);
    const c = i % stride;
    const d = dark[0] + dark[1] * r + dark[2] * c;
    const l = light[0] + light[1] * r + light[2] * c;
    const range = Math.max(8, l - d);
    out[i] = ((grey[i] as number) - d) / range;
  }
  return out;
}

/** Least-squares plane a + b·row + c·column through the grey of the known modules of one shade. */
function planeFit(grey: Float32Array, known: Int8Array, stride: number, shade: number): [number, number, number] {
  // Normal equations of a 3-parameter fit, solved by Cramer's rule.
  let n = 0;
  let sr = 0;
  let sc = 0;
  let srr = 0;
  let scc = 0;
  let src = 0;
  let sg = 0;
  let srg = 0;
  let scg = 0;
  for (let i = 0; i < known.length; i++) {
    if (known[i] !== shade) continue;
    const r = Math.floor(i / stride);
    const c = i % stride;
    const g = grey[i] as number;
    n++;
    sr += r;
    sc += c;
    srr += r * r;
    scc += c * c;
    src += r * c;
    sg += g;
    srg += r * g;
    scg += c * g;
  }
  const det = n * (srr * scc - src * src) - sr * (sr * scc - src * sc) + sc * (sr * src - srr * sc);
  if (n < 3 || Math.abs(det) < 1e-9) return [n === 0 ? 128 : sg / n, 0, 0];
  const a = (sg * (srr * scc - src * src) - sr * (srg * scc - src * scg) + sc * (srg * src - srr * scg)) / det;
  const b = (n * (srg * scc - scg * src) - sg * (sr * scc - src * sc) + sc * (sr * scg - srg * sc)) / det;
  const c = (n * (srr * scg - src * srg) - sr * (sr * scg - srg * sc) + sg * (sr * src - srr * sc)) / det;
  return [a, b, c];
}

/** Dark where the normalised shade is under `level`. Returns 1 for dark, 0 for light, per module. */
export function threshold(shade: Float32Array, level: number): Uint8Array {
  const out = new Uint8Array(shade.length);
  for (let i = 0; i < shade.length; i++) out[i] = (shade[i] as number) < level ? 1 : 0;
  return out;
}

/**
 * Dark where a module is darker than the mean of the modules around it (a window `radius` modules wide): a
 * local threshold on the grid itself, for light that changes faster than the plane `normalise` fits.
 */
export function localThreshold(shade: Float32Array, stride: number, radius: number): Uint8Array {
  const out = new Uint8Array(shade.length);
  for (let r = 0; r < stride; r++) {
    for (let c = 0; c < stride; c++) {
      let sum = 0;
      let count = 0;
      for (let y = Math.max(0, r - radius); y <= Math.min(stride - 1, r + radius); y++) {
        for (let x = Math.max(0, c - radius); x <= Math.min(stride - 1, c + radius); x++) {
          sum += shade[y * stride + x] as number;
          count++;
        }
      }
      out[r * stride + c] = (shade[r * stride + c] as number) < sum / count ? 1 : 0;
    }
  }
  return out;
}
