/** A point in some plane's pixel coordinates. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** The four corners of a code, clockwise from its own top-left as jsqr reports them. */
export type Quad = readonly [Point, Point, Point, Point];

export function mapCorners(q: Quad, f: (p: Point) => Point): Quad {
  return [f(q[0]), f(q[1]), f(q[2]), f(q[3])];
}

export function centre(q: Quad): Point {
  return { x: (q[0].x + q[1].x + q[2].x + q[3].x) / 4, y: (q[0].y + q[1].y + q[2].y + q[3].y) / 4 };
}

/** The quad grown about its centre by `factor` (1.2 = 20 % wider), to cover the quiet zone and finder rings. */
export function growQuad(q: Quad, factor: number): Quad {
  const c = centre(q);
  const grow = (p: Point): Point => ({ x: c.x + (p.x - c.x) * factor, y: c.y + (p.y - c.y) * factor });
  return [grow(q[0]), grow(q[1]), grow(q[2]), grow(q[3])];
}

export function contains(q: Quad, p: Point): boolean {
  // Inside a convex quad: the point is on the same side of all four edges.
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    const cross = (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
    if (cross === 0) continue;
    const s = cross > 0 ? 1 : -1;
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

export function side(q: Quad): number {
  const d = (p: Point, r: Point) => Math.hypot(p.x - r.x, p.y - r.y);
  return (d(q[0], q[1]) + d(q[1], q[2]) + d(q[2], q[3]) + d(q[3], q[0])) / 4;
}
