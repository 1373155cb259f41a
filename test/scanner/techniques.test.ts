import { describe, expect, it } from "vitest";
import { parseQrPayload } from "../../src/notice/index.ts";
import { createLuma, invertLuma, type Luma } from "../../src/scanner/image/luma.ts";
import { deadlineIn } from "../../src/scanner/read/deadline.ts";
import { findCodes } from "../../src/scanner/read/find-codes.ts";
import { regionVariants } from "../../src/scanner/read/region-decode.ts";
import { photograph, type Shot, samplePayload } from "./synthetic.ts";

// Each technique of the search earns its place on a generated photo that needs it: read with the technique,
// missed with it switched off (by the same switch the benchmark's ablations use). The deadline is far away,
// so that a busy machine cannot make a technique look needed or not: with it off, everything else runs.
function read(image: Luma, skip: readonly string[] = []): string[] {
  return findCodes(image, { deadline: deadlineIn(60_000), wanted: (t) => parseQrPayload(t).ok, skip }).map(
    (f) => f.text,
  );
}

// `alongside`: techniques that read the same photo too, switched off in both reads so that this one's own
// part shows.
const cases: { technique: string; trouble: string; shot: Shot; invert?: boolean; alongside?: string[] }[] = [
  {
    technique: "grid",
    trouble: "a Gaussian blur of 0.6 module, which no binariser in front of jsqr survives",
    shot: { module: 5, gaussPx: 3 },
  },
  {
    technique: "grid-deblur",
    trouble: "a Gaussian blur of 0.9 module, readable only once the blur is estimated and undone",
    shot: { module: 6, gaussPx: 4.5 },
  },
  {
    technique: "grid-erasures",
    trouble:
      "a Gaussian blur of 0.7 module under heavy sensor noise, whose grid is read with more wrong codewords than the error correction finds alone, but mostly where it is least sure",
    shot: { module: 3, gaussPx: 2.1, noise: 14, seed: 1 },
  },
  {
    technique: "finders-blur",
    trouble: "modules of 1.3 px, whose finder rings only a window a few modules wide tells apart",
    shot: { module: 1.3 },
    // The enlarged planes' detectors, after it, read them too (on the corpus they read different photos).
    alongside: ["finders-tiny", "finders-tiny3"],
  },
  {
    technique: "finders-tiny",
    trouble:
      "modules of 1.6 px under a blur of half a module, faded and turned, whose finder rings only an enlarged plane keeps",
    shot: { module: 1.6, gaussPx: 0.8, rotateDeg: 35, noise: 3, ink: 60, paper: 200 },
    // A picture this small is enlarged three times too, by the detector after it.
    alongside: ["finders-tiny3"],
  },
  {
    technique: "finders-tiny3",
    trouble:
      "modules of a pixel, a little soft and noisy, whose finder rings part only on a plane enlarged three times",
    shot: { module: 1, gaussPx: 0.3, noise: 3, rotateDeg: 5, side: 300 },
  },
  {
    technique: "whole-inverted",
    trouble: "a light-on-dark code (a PDF viewer in dark mode)",
    shot: { module: 4 },
    invert: true,
  },
];

describe("scanner techniques, each on a generated photo that needs it", () => {
  for (const { technique, trouble, shot, invert, alongside = [] } of cases) {
    it(`${technique}: reads ${trouble}, and misses it without`, () => {
      const photo = photograph(samplePayload, shot);
      const image = invert === true ? invertLuma(photo) : photo;
      expect(read(image, alongside)).toEqual([samplePayload]);
      expect(read(image, [...alongside, technique])).toEqual([]);
    }, 60_000);
  }

  it("grid: reads a tilted, turned, softened code through the perspective fitted to its patterns", () => {
    const image = photograph(samplePayload, { module: 4, tiltDeg: 25, rotateDeg: 20, gaussPx: 1.5 });
    // Without the jsqr attempts on crops and on the whole picture, which read it too, the grid sampler alone.
    const others = ["whole", "whole-inverted", ...regionVariants.map((v) => v.name)];
    expect(read(image, others)).toEqual([samplePayload]);
    expect(read(image, [...others, "grid"])).toEqual([]);
  }, 60_000);

  it("grid-shifts: reads a blurred code on a bent page, whose fitted grid sits a fraction of a module off", () => {
    // A page curled like a cylinder: each column sinks by the square of its distance from the middle, 13 px
    // at the picture's edges, about a module between the code's middle and its sides. No homography fits
    // that exactly; the grid fitted to the code's patterns is a compromise, a little off over its data.
    const photo = photograph(samplePayload, { module: 3, gaussPx: 1.8, noise: 3, seed: 3 });
    const { width, height } = photo;
    const bent = createLuma(width, height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const t = (x - width / 2) / (width / 2);
        const from = y - 13.2 * t * t;
        const y0 = Math.floor(from);
        const at = (row: number) => photo.data[Math.min(height - 1, Math.max(0, row)) * width + x] as number;
        bent.data[y * width + x] = Math.round(at(y0) * (1 - (from - y0)) + at(y0 + 1) * (from - y0));
      }
    }
    expect(read(bent)).toEqual([samplePayload]);
    expect(read(bent, ["grid-shifts"])).toEqual([]);
  }, 60_000);

  it("pair-complete: reads a code whose third finder pattern is lost under glare, from the two left", () => {
    const module = 4;
    const side = 33 * module * 2;
    const image = photograph(samplePayload, { module, rotateDeg: 10, gaussPx: 1.5, side });
    // Glare washes out the bottom-left finder (5.5 modules around its centre): the code's data is all there.
    const turn = (10 * Math.PI) / 180;
    const half = (33 * module) / 2;
    const [fx, fy] = [-half + 3.5 * module, half - 3.5 * module];
    const cx = side / 2 + fx * Math.cos(turn) - fy * Math.sin(turn);
    const cy = side / 2 + fx * Math.sin(turn) + fy * Math.cos(turn);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) if (Math.hypot(x - cx, y - cy) < 5.5 * module) image.data[y * side + x] = 250;
    expect(read(image)).toEqual([samplePayload]);
    expect(read(image, ["pair-complete"])).toEqual([]);
  }, 60_000);

  it("shared-finders: reads a code one of whose finders a decoy code's two finders claimed", () => {
    const module = 4;
    const side = 41 * module;
    // The notice's code, tilted (its finders no longer make a perfect right angle)...
    const notice = photograph(samplePayload, { module, tiltDeg: 25, side });
    // ...and below it a flyer's code with its bottom-left finder torn off, placed so that the notice's
    // bottom-left finder and the flyer's top two make a square corner, a better one than the notice's own.
    const decoy = photograph("https://example.com/volantino/offerta", { module, side });
    const margin = 4 * module;
    for (let y = margin + 25 * module; y < margin + 33 * module; y++)
      decoy.data.fill(235, y * side + margin, y * side + margin + 8 * module);
    const page = createLuma(side, 2 * side + 40 * module);
    page.data.fill(235);
    page.data.set(notice.data);
    const top = 52 * module;
    for (let i = 0; i < decoy.data.length; i++) {
      const at = top * side + i;
      page.data[at] = Math.min(page.data[at] as number, decoy.data[i] as number);
    }
    // The grid sampler alone (jsqr's attempts on crops and on the whole picture read this code too).
    const others = ["whole", "whole-inverted", ...regionVariants.map((v) => v.name)];
    expect(read(page, others)).toEqual([samplePayload]);
    expect(read(page, [...others, "shared-finders"])).toEqual([]);
  }, 60_000);
});
