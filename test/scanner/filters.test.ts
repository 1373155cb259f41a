import { describe, expect, it } from "vitest";
import { adaptiveThreshold, smooth, unsharp } from "../../src/scanner/image/filters.ts";
import type { Luma } from "../../src/scanner/image/luma.ts";

// The filters keep only a window of row sums (not a plane of them); these check them pixel by pixel against the
// definition, a clamped (2r+1)² window summed directly, on planes narrower and shorter than the window too.

function noise(width: number, height: number, seed: number): Luma {
  let s = seed;
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 8) & 255;
  }
  return { width, height, data };
}

/** Sum over the (2r+1)² window around (x, y), coordinates clamped to the plane. */
function windowSum(image: Luma, x: number, y: number, r: number): number {
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  let sum = 0;
  for (let dy = -r; dy <= r; dy++)
    for (let dx = -r; dx <= r; dx++)
      sum += image.data[clamp(y + dy, image.height) * image.width + clamp(x + dx, image.width)] as number;
  return sum;
}

const sizes = [
  [1, 1],
  [1, 9],
  [9, 1],
  [3, 2],
  [17, 40],
  [40, 17],
  [64, 48],
] as const;

describe("local filters", () => {
  it("threshold each pixel against its clamped neighbourhood's mean", () => {
    for (const [width, height] of sizes) {
      const image = noise(width, height, width * 97 + height);
      for (const r of [1, 2, 5, 12]) {
        const area = (2 * r + 1) ** 2;
        const got = adaptiveThreshold(image, r, 3).data;
        const want = Uint8Array.from(image.data, (v, i) =>
          v * area < windowSum(image, i % width, Math.floor(i / width), r) - 3 * area ? 0 : 255,
        );
        expect({ width, height, r, plane: Array.from(got) }).toEqual({ width, height, r, plane: Array.from(want) });
      }
    }
  });

  it("smooth and sharpen with the clamped neighbourhood's mean", () => {
    for (const [width, height] of sizes) {
      const image = noise(width, height, width * 31 + height);
      for (const r of [0, 1, 2, 6]) {
        const norm = 1 / (2 * r + 1) ** 2;
        const mean = (i: number) => Math.fround(windowSum(image, i % width, Math.floor(i / width), r) * norm);
        const smoothed = Uint8Array.from(image.data, (_, i) => mean(i) + 0.5);
        const sharpened = Uint8Array.from(image.data, (v, i) => {
          const s = v + 1.5 * (v - mean(i));
          return s <= 0 ? 0 : s >= 255 ? 255 : s + 0.5;
        });
        expect(Array.from(smooth(image, r).data)).toEqual(Array.from(smoothed));
        expect(Array.from(unsharp(image, r, 1.5).data)).toEqual(Array.from(sharpened));
      }
    }
  });
});
