import { describe, expect, it } from "vitest";
import { adaptiveThreshold } from "../../src/scanner/image/filters.ts";
import { createLuma } from "../../src/scanner/image/luma.ts";
import { thresholdInPlace } from "../../src/scanner/read/threshold-in-place.ts";

describe("thresholdInPlace", () => {
  it("binarises a plane exactly as adaptiveThreshold does, over the plane itself", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (const [w, h, r, offset] of [
      [37, 23, 5, 1],
      [64, 64, 3, 0],
      [9, 40, 12, 5],
      [120, 7, 2, 2],
    ] as const) {
      const plane = createLuma(w, h);
      // Smooth gradients and speckle, so that both signs of (pixel − mean) occur everywhere.
      for (let i = 0; i < w * h; i++) plane.data[i] = Math.round(((i % w) / w) * 120 + random() * 135);
      const expected = adaptiveThreshold(plane, r, offset);
      const copy = { ...plane, data: plane.data.slice() };
      expect(Array.from(thresholdInPlace(copy, r, offset).data)).toEqual(Array.from(expected.data));
    }
  });
});
