import type { FinderCandidate } from "./finder.ts";
import { type FinderTriple, orientTriple } from "./grid-fit.ts";

/** A part of the source plane that probably holds one QR code, and the code's module size there. */
export interface Region {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Module size in source pixels. */
  readonly module: number;
  /** Higher is likelier; regions are tried best first. */
  readonly score: number;
  /** How it was proposed: three finder patterns, two, or one. */
  readonly from: 3 | 2 | 1;
  /** For three-finder regions: the finder centres in source pixels, named as the code names its corners. */
  readonly finders?: FinderTriple;
}

// A QR code of version 1 to 10 has 21 to 57 modules a side: its finder centres are 14 to 50 modules apart.
const MIN_LEG = 12;
const MAX_LEG = 54;

/**
 * Turns finder-pattern candidates (found on a plane `scale` times the source) into regions of the source to
 * decode: first triples that make a code's three corners (legs of similar length about a right angle — loose,
 * because a tilted photo skews both), then pairs, then strong single candidates, which leave the code's
 * direction open and so get a square around them.
 */
export function proposeRegions(
  candidates: readonly FinderCandidate[],
  scale: number,
  options: { limit?: number; shared?: boolean } = {},
): Region[] {
  const limit = options.limit ?? 40;
  const ranked = [...candidates].sort((a, b) => b.hits - a.hits).slice(0, limit);
  const regions: Region[] = [];
  const used = new Set<FinderCandidate>();
  const triples: Triple[] = [];
  for (let i = 0; i < ranked.length; i++) {
    for (let j = i + 1; j < ranked.length; j++) {
      for (let k = j + 1; k < ranked.length; k++) {
        const t = scoreTriple(ranked[i] as FinderCandidate, ranked[j] as FinderCandidate, ranked[k] as FinderCandidate);
        if (t !== null) triples.push(t);
      }
    }
  }
  triples.sort((a, b) => b.score - a.score);
  const claimed: typeof triples = [];
  for (const t of triples) {
    // A finder pattern belongs to one code: the best triple claims it.
    if (t.pts.some((p) => used.has(p))) continue;
    for (const p of t.pts) used.add(p);
    claimed.push(t);
  }
  // But the best triple is not always the code's own: a decoy code's two finders beside a notice's code can
  // make a fair right angle with one of the notice's finders and claim it, leaving the notice's code two
  // finders and a look-alike; an alignment pattern can stand in for a finder the same way. The best few
  // triples that lost a finder to a better one are proposed too, after the claimed ones (each costs a read).
  const extra = options.shared === true ? sharing(triples, claimed) : [];
  for (const t of [...claimed, ...extra]) {
    const [a, b, c] = t.pts;
    const d = { x: a.x + c.x - b.x, y: a.y + c.y - b.y };
    const xs = [a.x, b.x, c.x, d.x];
    const ys = [a.y, b.y, c.y, d.y];
    const score = t.score + (claimed.includes(t) ? 100 : 90);
    regions.push({ ...box(xs, ys, t.module * 6, t.module, scale, score, 3), finders: named(a, b, c, scale) });
  }
  const rest = ranked.filter((p) => !used.has(p));
  for (let i = 0; i < rest.length; i++) {
    const p = rest[i] as FinderCandidate;
    if (used.has(p)) continue;
    let partner: FinderCandidate | undefined;
    for (let j = i + 1; j < rest.length && partner === undefined; j++) {
      const q = rest[j] as FinderCandidate;
      if (used.has(q) || !similarModules(p, q)) continue;
      const leg = Math.hypot(p.x - q.x, p.y - q.y) / ((p.module + q.module) / 2);
      if (leg >= MIN_LEG && leg <= MAX_LEG * Math.SQRT2) partner = q;
    }
    if (partner !== undefined) {
      used.add(p);
      used.add(partner);
      const m = (p.module + partner.module) / 2;
      const dist = Math.hypot(p.x - partner.x, p.y - partner.y);
      // The code lies on one side of the pair or the other (or the pair is its diagonal): cover all three.
      const cx = (p.x + partner.x) / 2;
      const cy = (p.y + partner.y) / 2;
      const r = dist + m * 5;
      regions.push(box([cx - r, cx + r], [cy - r, cy + r], 0, m, scale, p.hits + partner.hits + 20, 2));
    } else if (p.hits >= 2) {
      const r = p.module * 40;
      regions.push(box([p.x - r, p.x + r], [p.y - r, p.y + r], 0, p.module, scale, p.hits, 1));
    }
  }
  return regions.sort((a, b) => b.score - a.score);
}

// Triples that share a finder with a claimed one, at most this many (each costs a read and a grid fit).
const MAX_SHARING = 3;

interface Triple {
  readonly pts: [FinderCandidate, FinderCandidate, FinderCandidate];
  readonly score: number;
  readonly module: number;
}

/** The best triples (of `triples`, best first) not claimed: each shares a finder or two with a claimed one. */
function sharing(triples: readonly Triple[], claimed: readonly Triple[]): Triple[] {
  return triples.filter((t) => !claimed.includes(t)).slice(0, MAX_SHARING);
}

/** The triple `a`, `corner`, `c` (plane pixels, `scale` times the source's), named, in source pixels. */
function named(a: FinderCandidate, corner: FinderCandidate, c: FinderCandidate, scale: number): FinderTriple {
  const at = (p: FinderCandidate) => ({ x: p.x / scale, y: p.y / scale, module: p.module / scale });
  return orientTriple(at(corner), at(a), at(c));
}

// Finder patterns of one code look alike in size: within this ratio for a pair, and a little more for a
// triple, whose right-angle layout already vouches for it (a strongly tilted code's near finder can look
// twice its far one).
const PAIR_RATIO = 1.7;
const TRIPLE_RATIO = 2.1;

function similarModules(a: FinderCandidate, b: FinderCandidate, ratio = PAIR_RATIO): boolean {
  const r = a.module / b.module;
  return r < ratio && r > 1 / ratio;
}

function scoreTriple(p: FinderCandidate, q: FinderCandidate, r: FinderCandidate): Triple | null {
  if (!similarModules(p, q, TRIPLE_RATIO) || !similarModules(q, r, TRIPLE_RATIO) || !similarModules(p, r, TRIPLE_RATIO))
    return null;
  const module = (p.module + q.module + r.module) / 3;
  // The corner finder is the one opposite the longest side (the code's diagonal).
  const dpq = Math.hypot(p.x - q.x, p.y - q.y);
  const dqr = Math.hypot(q.x - r.x, q.y - r.y);
  const dpr = Math.hypot(p.x - r.x, p.y - r.y);
  let corner: FinderCandidate;
  let a: FinderCandidate;
  let c: FinderCandidate;
  if (dqr >= dpq && dqr >= dpr) [corner, a, c] = [p, q, r];
  else if (dpr >= dpq && dpr >= dqr) [corner, a, c] = [q, p, r];
  else [corner, a, c] = [r, p, q];
  const la = Math.hypot(a.x - corner.x, a.y - corner.y);
  const lc = Math.hypot(c.x - corner.x, c.y - corner.y);
  const legs = Math.min(la, lc) / Math.max(la, lc);
  if (legs < 0.6) return null;
  const leg = (la + lc) / 2 / module;
  if (leg < MIN_LEG || leg > MAX_LEG) return null;
  const cos = ((a.x - corner.x) * (c.x - corner.x) + (a.y - corner.y) * (c.y - corner.y)) / (la * lc);
  if (Math.abs(cos) > 0.55) return null;
  const sizes = Math.min(p.module, q.module, r.module) / Math.max(p.module, q.module, r.module);
  const score = p.hits + q.hits + r.hits + 10 * (legs + sizes - Math.abs(cos));
  return { pts: [a, corner, c], score, module };
}

function box(
  xs: readonly number[],
  ys: readonly number[],
  pad: number,
  module: number,
  scale: number,
  score: number,
  from: 1 | 2 | 3,
): Region {
  const x0 = Math.min(...xs) - pad;
  const x1 = Math.max(...xs) + pad;
  const y0 = Math.min(...ys) - pad;
  const y1 = Math.max(...ys) + pad;
  return {
    x: x0 / scale,
    y: y0 / scale,
    width: (x1 - x0) / scale,
    height: (y1 - y0) / scale,
    module: module / scale,
    score,
    from,
  };
}
