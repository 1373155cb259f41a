/**
 * Reed–Solomon decoding over GF(256) as QR codes use it (primitive polynomial 0x11d, generator roots α⁰ …
 * α^(ec−1)), with erasures: codewords known to be unsure are named, and a block with e erasures and t errors
 * is corrected while 2t + e ≤ ec. Berlekamp–Massey started from the erasure locator, Chien search, Forney.
 */

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255] as number;
}

const mul = (a: number, b: number) =>
  a === 0 || b === 0 ? 0 : (EXP[(LOG[a] as number) + (LOG[b] as number)] as number);
const inv = (a: number) => EXP[255 - (LOG[a] as number)] as number;
const pow = (e: number) => EXP[((e % 255) + 255) % 255] as number;

/** Polynomial (lowest degree first) at x. */
function evaluate(poly: readonly number[], x: number): number {
  let y = 0;
  for (let i = poly.length - 1; i >= 0; i--) y = mul(y, x) ^ (poly[i] as number);
  return y;
}

/** The syndromes S_j = r(α^j), j < ec, of a block (codewords highest degree first). */
function syndromes(block: Uint8Array, ec: number): number[] {
  const n = block.length;
  const out: number[] = [];
  for (let j = 0; j < ec; j++) {
    const x = pow(j);
    let y = 0;
    for (let i = 0; i < n; i++) y = mul(y, x) ^ (block[i] as number);
    out.push(y);
  }
  return out;
}

/**
 * Corrects a block in place (`block`: data then EC codewords, as read), the codewords at `erasures` (indices
 * into the block) taken as unknown. Returns the number of codewords changed, or -1 when the block is beyond
 * correcting with those erasures (then `block` is left as it was). A corrected block has every syndrome zero.
 * `spare`: syndromes left unused, as a check (with 2t + e ≤ ec − spare, a block of noise passes for a codeword
 * about once in 256^spare tries).
 */
export function correctBlock(block: Uint8Array, ec: number, erasures: readonly number[] = [], spare = 0): number {
  const n = block.length;
  const s = syndromes(block, ec);
  if (s.every((v) => v === 0)) return 0;
  const e = erasures.length;
  if (e > ec) return -1;
  // Erasure locator Γ(x) = Π (1 − X_k x), X_k = α^(n−1−position).
  let gamma = [1];
  for (const position of erasures) {
    const x = pow(n - 1 - position);
    const next = new Array<number>(gamma.length + 1).fill(0);
    for (let i = 0; i < gamma.length; i++) {
      next[i] = (next[i] as number) ^ (gamma[i] as number);
      next[i + 1] = (next[i + 1] as number) ^ mul(gamma[i] as number, x);
    }
    gamma = next;
  }
  // Berlekamp–Massey from Γ: the errors-and-erasures locator Λ.
  let lambda = gamma.slice();
  let previous = gamma.slice();
  let length = e;
  let shift = 1;
  let lastDiscrepancy = 1;
  for (let k = e; k < ec; k++) {
    let delta = 0;
    for (let i = 0; i < lambda.length && i <= k; i++) delta ^= mul(lambda[i] as number, s[k - i] as number);
    if (delta === 0) {
      shift++;
      continue;
    }
    const factor = mul(delta, inv(lastDiscrepancy));
    const next = lambda.slice();
    while (next.length < previous.length + shift) next.push(0);
    for (let i = 0; i < previous.length; i++)
      next[i + shift] = (next[i + shift] as number) ^ mul(factor, previous[i] as number);
    if (2 * length <= k + e) {
      previous = lambda;
      length = k + 1 + e - length;
      lastDiscrepancy = delta;
      shift = 1;
    } else {
      shift++;
    }
    lambda = next;
  }
  while (lambda.length > 1 && lambda[lambda.length - 1] === 0) lambda.pop();
  const degree = lambda.length - 1;
  if (degree !== length || 2 * (length - e) + e > ec - spare) return -1;
  // Chien search: positions whose X⁻¹ is a root of Λ.
  const positions: number[] = [];
  for (let p = 0; p < n; p++) if (evaluate(lambda, pow(-(n - 1 - p))) === 0) positions.push(p);
  if (positions.length !== degree) return -1;
  // Forney (first root α⁰): e_k = X_k · Ω(X_k⁻¹) / Λ'(X_k⁻¹), Ω = S·Λ mod x^ec.
  const omega = new Array<number>(ec).fill(0);
  for (let i = 0; i < ec; i++)
    for (let j = 0; j < lambda.length && j <= i; j++)
      omega[i] = (omega[i] as number) ^ mul(s[i - j] as number, lambda[j] as number);
  const derivative = lambda.map((c, i) => (i % 2 === 1 ? c : 0)).slice(1);
  const fixed = block.slice();
  for (const p of positions) {
    const x = pow(n - 1 - p);
    const xInv = inv(x);
    const denominator = evaluate(derivative, xInv);
    if (denominator === 0) return -1;
    fixed[p] = (fixed[p] as number) ^ mul(x, mul(evaluate(omega, xInv), inv(denominator)));
  }
  if (!syndromes(fixed, ec).every((v) => v === 0)) return -1;
  let changed = 0;
  for (let i = 0; i < n; i++) if (fixed[i] !== block[i]) changed++;
  block.set(fixed);
  return changed;
}

/** The EC codewords of `data` (for tests and for drawing clean symbols): the remainder by the generator. */
export function encodeBlock(data: Uint8Array, ec: number): Uint8Array {
  let generator = [1];
  for (let j = 0; j < ec; j++) {
    const next = new Array<number>(generator.length + 1).fill(0);
    for (let i = 0; i < generator.length; i++) {
      next[i] = (next[i] as number) ^ mul(generator[i] as number, pow(j));
      next[i + 1] = (next[i + 1] as number) ^ (generator[i] as number);
    }
    generator = next;
  }
  // generator is lowest degree first with leading (highest) coefficient 1.
  const remainder = new Uint8Array(ec);
  for (const byte of data) {
    const factor = byte ^ (remainder[0] as number);
    remainder.copyWithin(0, 1);
    remainder[ec - 1] = 0;
    for (let i = 0; i < ec; i++) remainder[i] = (remainder[i] as number) ^ mul(generator[ec - 1 - i] as number, factor);
  }
  const out = new Uint8Array(data.length + ec);
  out.set(data);
  out.set(remainder, data.length);
  return out;
}
