import type { Luma } from "../image/luma.ts";
import type { FinderCandidate } from "./finder.ts";
import { type FinderAt, type FinderTriple, orientTriple, scoreVersions } from "./grid-fit.ts";

// A pair's finders are 14 to 50 modules apart along a side of a version 1–10 code, up to √2 × that across it.
const MIN_LEG = 12;
const MAX_LEG = 54 * Math.SQRT2;

// Candidates paired, by hits: a page of text has many look-alikes, a code's own finders rank high.
const MAX_CANDIDATES = 10;

// Finders of one code look alike in size (a tilted code's near one can look up to this much bigger).
const MODULE_RATIO = 1.8;

// Below this a guessed grid's correlation at the known modules is no code (the grid fit's own start floor).
const MIN_SCORE = 0.35;

/**
 * Guesses for a code of which only two finder patterns were found (blur, glare or a fold can hide the third):
 * the QR's geometry puts the third at one of six places — the pair is a side (either finder the corner, the
 * code on either side of it) or the diagonal (the corner on either side). Each guess is scored as the grid
 * fit would start it, by how well every version's known modules (finders, timing, separators) agree with the
 * grey there; guesses that fit no version are dropped, the rest returned best first. `scale`: the candidates'
 * plane over the source.
 */
export function completePairs(
  source: Luma,
  candidates: readonly FinderCandidate[],
  scale: number,
  limit: number,
): FinderTriple[] {
  const ranked = [...candidates].sort((a, b) => b.hits - a.hits).slice(0, MAX_CANDIDATES);
  const guesses: { triple: FinderTriple; score: number }[] = [];
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      const p = ranked[i] as FinderCandidate;
      const q = ranked[j] as FinderCandidate;
      const ratio = p.module / q.module;
      if (ratio > MODULE_RATIO || ratio < 1 / MODULE_RATIO) continue;
      const module = (p.module + q.module) / 2;
      const leg = Math.hypot(p.x - q.x, p.y - q.y) / module;
      if (leg < MIN_LEG || leg > MAX_LEG) continue;
      for (const { triple, diagonal } of thirdFinders(p, q, scale)) {
        // Only the versions whose finder spacing is near the pair's (the module size measured on blurred
        // runs can be a fifth off): 17 + 4v modules a side, finder centres 4v + 10 apart.
        const side = diagonal ? leg / Math.SQRT2 : leg;
        const version = (side - 10) / 4;
        const best = scoreVersions(source, triple, Math.floor(version * 0.75), Math.ceil(version * 1.25 + 0.5))[0];
        if (best !== undefined && best.score >= MIN_SCORE) guesses.push({ triple, score: best.score });
      }
    }
  }
  return guesses
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((g) => g.triple);
}

/** The six places a pair's missing finder can be, as named triples in source pixels, and which is guessed. */
function thirdFinders(
  p: FinderCandidate,
  q: FinderCandidate,
  scale: number,
): { triple: FinderTriple; diagonal: boolean }[] {
  const at = (f: FinderCandidate): FinderAt => ({ x: f.x / scale, y: f.y / scale, module: f.module / scale });
  const a = at(p);
  const b = at(q);
  const guessed = (x: number, y: number): FinderAt => ({ x, y, module: (a.module + b.module) / 2 });
  // The pair's direction turned a quarter: the other side's direction, of the same length.
  const r = { x: -(b.y - a.y), y: b.x - a.x };
  const mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
  const out: { triple: FinderTriple; diagonal: boolean }[] = [];
  for (const sign of [1, -1]) {
    // The pair is a side, with `a` or `b` the corner.
    for (const [corner, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const third = guessed(corner.x + sign * r.x, corner.y + sign * r.y);
      out.push({ triple: orientTriple(corner, other, third), diagonal: false });
    }
    // The pair is the diagonal: the corner lies half the diagonal off its middle.
    const corner = guessed(mid.x + (sign * r.x) / 2, mid.y + (sign * r.y) / 2);
    out.push({ triple: orientTriple(corner, a, b), diagonal: true });
  }
  return out;
}
