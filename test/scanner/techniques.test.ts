import { describe, expect, it } from "vitest";
import { parseQrPayload } from "../../src/notice/index.ts";
import { invertLuma, type Luma } from "../../src/scanner/image/luma.ts";
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

const cases: { technique: string; trouble: string; shot: Shot; invert?: boolean }[] = [
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
    technique: "finders-blur",
    trouble: "modules of 1.3 px, whose finder rings only a window a few modules wide tells apart",
    shot: { module: 1.3 },
  },
  {
    technique: "whole-inverted",
    trouble: "a light-on-dark code (a PDF viewer in dark mode)",
    shot: { module: 4 },
    invert: true,
  },
];

describe("scanner techniques, each on a generated photo that needs it", () => {
  for (const { technique, trouble, shot, invert } of cases) {
    it(`${technique}: reads ${trouble}, and misses it without`, () => {
      const photo = photograph(samplePayload, shot);
      const image = invert === true ? invertLuma(photo) : photo;
      expect(read(image)).toEqual([samplePayload]);
      expect(read(image, [technique])).toEqual([]);
    }, 60_000);
  }

  it("grid: reads a tilted, turned, softened code through the perspective fitted to its patterns", () => {
    const image = photograph(samplePayload, { module: 4, tiltDeg: 25, rotateDeg: 20, gaussPx: 1.5 });
    // Without the jsqr attempts on crops and on the whole picture, which read it too, the grid sampler alone.
    const others = ["whole", "whole-inverted", ...regionVariants.map((v) => v.name)];
    expect(read(image, others)).toEqual([samplePayload]);
    expect(read(image, [...others, "grid"])).toEqual([]);
  }, 60_000);
});
