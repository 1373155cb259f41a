import {
  blocksOf,
  codewordCount,
  dataModules,
  readCodewords,
  readFormat,
  writeCodewords,
  writeFormat,
} from "./qr-codewords.ts";
import type { QrLayout } from "./qr-layout.ts";
import { correctBlock } from "./reed-solomon.ts";

// The most a block of noise may pass for a codeword at one try: with e erasures and t errors corrected, about
// C(n − e, t) · 255^t / 256^(ec − e) (the words within t of some codeword, over all words the unerased
// codewords can be). Every accepted symbol must then still be decoded by jsqr and pass the pagoPA parser.
const MAX_FALSE_ACCEPT = 1e-6;

/**
 * Error correction told which codewords are unsure (generalised minimum distance decoding). A grid read under
 * blur or noise has its errors in the modules it was least sure of; Reed–Solomon corrects twice as many
 * codewords it is told are unknown (erasures) as codewords it must find. Each block is decoded with its 0, 1,
 * 2, … least sure codewords erased, until one decodes with few enough errors found that noise would rarely
 * decode so (MAX_FALSE_ACCEPT). Returns the modules with every block corrected and the format written clean,
 * for jsqr to read (and check again); null when a block cannot be corrected or the format is unreadable.
 * `sureness`: per module, higher is surer (0 or less: a coin toss).
 */
export function correctWithErasures(bits: Uint8Array, sureness: Float32Array, layout: QrLayout): Uint8Array | null {
  const format = readFormat(bits, layout);
  if (format === null) return null;
  const { level, mask } = format;
  const blocks = blocksOf(layout.version, level);
  if (blocks.length === 0) return null;
  const { codewords, doubt } = readWithDoubt(bits, sureness, layout, mask, codewordCount(layout.version, level));
  for (const { positions, dataCount } of blocks) {
    const n = positions.length;
    const ec = n - dataCount;
    const read = Uint8Array.from(positions, (p) => codewords[p] as number);
    const unsure = [...positions.keys()].sort(
      (a, b) => (doubt[positions[b] as number] as number) - (doubt[positions[a] as number] as number),
    );
    let corrected = false;
    for (let erased = 0; erased < ec && !corrected; erased++) {
      const errors = mostErrors(n, ec, erased);
      if (errors < 0) continue;
      const block = read.slice();
      if (correctBlock(block, ec, unsure.slice(0, erased), ec - erased - 2 * errors) < 0) continue;
      positions.forEach((p, i) => {
        codewords[p] = block[i] as number;
      });
      corrected = true;
    }
    if (!corrected) return null;
  }
  const out = bits.slice();
  writeCodewords(out, layout, mask, codewords);
  writeFormat(out, layout, level, mask);
  return out;
}

/** The most errors a block may be corrected of beside `erased` erasures (-1: none, not even a clean check). */
export function mostErrors(n: number, ec: number, erased: number): number {
  const log = (t: number) => logChoose(n - erased, t) + t * Math.log(255) - (ec - erased) * Math.log(256);
  let t = -1;
  while (2 * (t + 1) + erased <= ec && log(t + 1) <= Math.log(MAX_FALSE_ACCEPT)) t++;
  return t;
}

function logChoose(n: number, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) s += Math.log(n - i) - Math.log(i + 1);
  return s;
}

/**
 * The codewords with how much each is in doubt: the sum over its eight modules of e^(−3·s/median s), so that
 * one coin-toss module or several shaky ones both count (the median sureness over the data modules sets the
 * scale, which differs between ways of guessing).
 */
function readWithDoubt(bits: Uint8Array, sureness: Float32Array, layout: QrLayout, mask: number, count: number) {
  const modules = dataModules(layout);
  const values: number[] = [];
  for (const p of modules) values.push(Math.max(0, sureness[p] as number));
  values.sort((a, b) => a - b);
  const median = values[values.length >> 1] || 1;
  const weight = sureness.map((s) => Math.exp((-3 * Math.max(0, s)) / median));
  const { codewords, sure } = readCodewords(bits, weight, layout, mask, count, "sum");
  return { codewords, doubt: sure };
}
