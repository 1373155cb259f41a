import type { QrLayout } from "./qr-layout.ts";

/**
 * Undoing blur on a code's module grid. A blurred photo's module shade is a weighted sum of its neighbours'
 * true shades; the weights (the blur's point-spread function seen at module spacing) are estimated from the
 * known modules — finder patterns, timing, alignment — by trying Gaussian blurs of several widths and motion
 * blurs of several lengths and directions and keeping the one that best predicts them. The unknown modules
 * are then solved for under that blur, with the known ones held at their true shades.
 */

/** A point-spread function over (2·RADIUS+1)² modules, centre in the middle, row-major. */
export interface Blur {
  readonly name: string;
  readonly taps: Float32Array;
}

const RADIUS = 3;
const ITERATIONS = 60;
const SIDE = 2 * RADIUS + 1;

/** The mass of a Gaussian of width `s` centred at `m`, between a and b. */
function mass(a: number, b: number, m: number, s: number): number {
  return 0.5 * (erf((b - m) / (s * Math.SQRT2)) - erf((a - m) / (s * Math.SQRT2)));
}

// Abramowitz–Stegun 7.1.26: plenty for weights (error under 1.5e-7).
function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

/**
 * A blur made of Gaussian spots of width `s` (modules) spread evenly along a segment of `length` modules at
 * `angle` radians (length 0: a plain Gaussian). Each tap is the share of the blur that falls on that module.
 */
function blurKernel(name: string, s: number, length: number, angle: number): Blur {
  const taps = new Float32Array(SIDE * SIDE);
  const spots = length === 0 ? 1 : 15;
  for (let k = 0; k < spots; k++) {
    const t = spots === 1 ? 0 : (k / (spots - 1) - 0.5) * length;
    const mx = t * Math.cos(angle);
    const my = t * Math.sin(angle);
    for (let r = -RADIUS; r <= RADIUS; r++) {
      const wy = mass(r - 0.5, r + 0.5, my, s);
      for (let c = -RADIUS; c <= RADIUS; c++) {
        const i = (r + RADIUS) * SIDE + (c + RADIUS);
        taps[i] = (taps[i] as number) + (wy * mass(c - 0.5, c + 0.5, mx, s)) / spots;
      }
    }
  }
  let total = 0;
  for (const t of taps) total += t;
  for (let i = 0; i < taps.length; i++) taps[i] = (taps[i] as number) / total;
  return { name, taps };
}

/**
 * The blurs tried: Gaussian from none to over a module wide, and motion streaks of one to four and a half
 * modules every 15°, each sharp or a little soft (a shaken phone is rarely in perfect focus either).
 */
export const blurs: readonly Blur[] = [
  ...[0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95, 1.1].map((s) => blurKernel(`gauss ${s}`, s, 0, 0)),
  ...[0.3, 0.5].flatMap((s) =>
    [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5].flatMap((length) =>
      Array.from({ length: 12 }, (_, k) =>
        blurKernel(`motion ${length} ${k * 15}° ${s}`, s, length, (k * Math.PI) / 12),
      ),
    ),
  ),
];

/**
 * The grid with a border of RADIUS quiet-zone modules (light, 1) on every side, so that convolutions need no
 * bounds tests. `at(i)` is the padded index of grid module i.
 */
interface Padded {
  readonly x: Float32Array;
  readonly side: number;
  readonly stride: number;
}

function padded(layout: QrLayout, guess: Uint8Array): Padded {
  const { stride, known } = layout;
  const side = stride + 2 * RADIUS;
  const x = new Float32Array(side * side).fill(1);
  for (let r = 0; r < stride; r++) {
    for (let c = 0; c < stride; c++) {
      const i = r * stride + c;
      const k = known[i] as number;
      x[(r + RADIUS) * side + c + RADIUS] = k >= 0 ? 1 - k : 1 - (guess[i] as number);
    }
  }
  return { x, side, stride };
}

const at = (p: Padded, i: number) => (Math.floor(i / p.stride) + RADIUS) * p.side + (i % p.stride) + RADIUS;

/** `taps` applied to the padded grid around padded index j. */
function predictAt(p: Padded, taps: Float32Array, j: number): number {
  const { x, side } = p;
  let acc = 0;
  let t = 0;
  for (let r = -RADIUS; r <= RADIUS; r++) {
    const row = j + r * side;
    for (let c = -RADIUS; c <= RADIUS; c++) acc += (x[row + c] as number) * (taps[t++] as number);
  }
  return acc;
}

/** Observed ≈ a + b · predicted at the known modules: the best a, b and the squared error left. */
function fitAt(observed: Float32Array, p: Padded, layout: QrLayout, taps: Float32Array) {
  let n = 0;
  let sp = 0;
  let so = 0;
  let spp = 0;
  let spo = 0;
  let soo = 0;
  for (let i = 0; i < observed.length; i++) {
    if ((layout.known[i] as number) < 0) continue;
    const q = predictAt(p, taps, at(p, i));
    const o = observed[i] as number;
    n++;
    sp += q;
    so += o;
    spp += q * q;
    spo += q * o;
    soo += o * o;
  }
  const vp = spp - (sp * sp) / n;
  const b = vp > 1e-9 ? (spo - (sp * so) / n) / vp : 0;
  const a = (so - b * sp) / n;
  const error = soo - 2 * a * so - 2 * b * spo + n * a * a + 2 * a * b * sp + b * b * spp;
  return { a, b, error };
}

/**
 * The blurs that best explain the known modules, best first, given a first guess of the unknown ones
 * (`guess`, 1 dark): the known modules' neighbours are often unknown, and a thresholded guess is close
 * enough to rank blurs. Several are returned because close blurs rank close: the error correction decides.
 */
export function estimateBlurs(shade: Float32Array, layout: QrLayout, guess: Uint8Array, count: number): Blur[] {
  const p = padded(layout, guess);
  const ranked: { blur: Blur; error: number }[] = [];
  for (const blur of blurs) {
    const { b, error } = fitAt(shade, p, layout, blur.taps);
    if (b > 0) ranked.push({ blur, error });
  }
  return ranked
    .sort((x, y) => x.error - y.error)
    .slice(0, count)
    .map((r) => r.blur);
}

/**
 * Solves for the unknown modules under `blur`: projected gradient descent (Landweber iterations, each module
 * kept between dark and light) on the squared difference between the observed shades and the blurred
 * estimate, then a few sweeps that set each unknown module to whichever of dark or light explains its
 * neighbourhood better. Returns 1 for dark per module; `sureness`, when given, gets what flipping each
 * unknown module would cost in squared error (the least sure decisions are the likeliest wrong).
 */
export function deblur(
  shade: Float32Array,
  layout: QrLayout,
  guess: Uint8Array,
  blur: Blur,
  sureness?: Float32Array,
): Uint8Array {
  const { known } = layout;
  const taps = blur.taps;
  const p = padded(layout, guess);
  const { x, side } = p;
  const { a, b } = fitAt(shade, p, layout, taps);
  if (!(b > 0)) return guess;
  const n = shade.length;
  const index = Int32Array.from({ length: n }, (_, i) => at(p, i));
  // Residuals on the padded grid (zero off the grid, where nothing was observed).
  const residual = new Float32Array(side * side);
  const observed = new Uint8Array(side * side);
  for (const j of index) observed[j] = 1;
  const update = () => {
    for (let i = 0; i < n; i++) {
      const j = index[i] as number;
      residual[j] = (shade[i] as number) - a - b * predictAt(p, taps, j);
    }
  };
  // Nesterov-accelerated (FISTA) projected gradient: blur leaves fine detail with tiny gains, which plain
  // gradient steps take hundreds of iterations to bring back.
  const step = 1 / (b * b);
  const previous = Float32Array.from(x);
  const current = new Float32Array(x.length);
  let momentum = 1;
  for (let iteration = 0; iteration < ITERATIONS; iteration++) {
    update();
    current.set(x);
    for (let i = 0; i < n; i++) {
      if ((known[i] as number) >= 0) continue;
      const j = index[i] as number;
      // The adjoint of a convolution is the convolution with the mirrored kernel.
      let g = 0;
      let t = 0;
      for (let r = -RADIUS; r <= RADIUS; r++) {
        const row = j - r * side;
        for (let c = -RADIUS; c <= RADIUS; c++) g += (residual[row - c] as number) * (taps[t++] as number);
      }
      const v = (x[j] as number) + step * b * g;
      current[j] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
    const next = (1 + Math.sqrt(1 + 4 * momentum * momentum)) / 2;
    const beta = (momentum - 1) / next;
    momentum = next;
    for (let i = 0; i < n; i++) {
      if ((known[i] as number) >= 0) continue;
      const j = index[i] as number;
      const c = current[j] as number;
      const v = c + beta * (c - (previous[j] as number));
      x[j] = v < 0 ? 0 : v > 1 ? 1 : v;
      previous[j] = c;
    }
  }
  for (let i = 0; i < n; i++) {
    if ((known[i] as number) >= 0) continue;
    const j = index[i] as number;
    x[j] = previous[j] as number;
  }
  for (let i = 0; i < n; i++) {
    if ((known[i] as number) >= 0) continue;
    const j = index[i] as number;
    x[j] = (x[j] as number) < 0.5 ? 0 : 1;
  }
  // Hard decisions, one module at a time: flipping module j by d changes the residual around it by
  // −b·d·taps, so the change in squared error is Σ (r − b·d·t)² − r² over the modules it reaches.
  update();
  // Where each tap lands on the padded grid, as an offset from the module it is centred on (taps' order).
  const reach = Int32Array.from(
    { length: SIDE * SIDE },
    (_, t) => (Math.floor(t / SIDE) - RADIUS) * side + (t % SIDE) - RADIUS,
  );
  const flipCost = (j: number, d: number) => {
    let delta = 0;
    for (let t = 0; t < reach.length; t++) {
      const k = j + (reach[t] as number);
      if (observed[k] === 0) continue;
      const rv = residual[k] as number;
      const e = rv - b * d * (taps[t] as number);
      delta += e * e - rv * rv;
    }
    return delta;
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      if ((known[i] as number) >= 0) continue;
      const j = index[i] as number;
      const d = 1 - 2 * (x[j] as number);
      const delta = flipCost(j, d);
      if (delta < 0) {
        x[j] = (x[j] as number) + d;
        for (let t = 0; t < reach.length; t++) {
          const k = j + (reach[t] as number);
          if (observed[k] === 1) residual[k] = (residual[k] as number) - b * d * (taps[t] as number);
        }
        changed = true;
      }
    }
    if (!changed) break;
  }
  // How sure each decision is: what flipping it would add to the squared error (little: a coin toss).
  if (sureness !== undefined) {
    sureness.fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < n; i++) {
      if ((known[i] as number) >= 0) continue;
      const j = index[i] as number;
      sureness[i] = flipCost(j, 1 - 2 * (x[j] as number));
    }
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (x[index[i] as number] as number) < 0.5 ? 1 : 0;
  return out;
}
