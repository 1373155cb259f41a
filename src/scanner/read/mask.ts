import type { Luma } from "../image/luma.ts";
import type { Quad } from "./geometry.ts";

/**
 * Paints a (convex) quad white, in place. jsqr reads one code per call and always the one its finder-pattern
 * scoring likes best, so a code already read is painted out before looking again for the others.
 */
export function paintQuad(image: Luma, quad: Quad, value = 255): void {
  const { width: w, height: h, data } = image;
  const ys = quad.map((p) => p.y);
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(...ys)));
  for (let y = y0; y <= y1; y++) {
    const yc = y + 0.5;
    let left = Number.POSITIVE_INFINITY;
    let right = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < 4; i++) {
      const a = quad[i] as Quad[number];
      const b = quad[(i + 1) % 4] as Quad[number];
      if ((a.y <= yc && b.y > yc) || (b.y <= yc && a.y > yc)) {
        const x = a.x + ((yc - a.y) / (b.y - a.y)) * (b.x - a.x);
        if (x < left) left = x;
        if (x > right) right = x;
      }
    }
    if (left > right) continue;
    const x0 = Math.max(0, Math.floor(left));
    const x1 = Math.min(w - 1, Math.ceil(right));
    if (x1 >= x0) data.fill(value, y * w + x0, y * w + x1 + 1);
  }
}
