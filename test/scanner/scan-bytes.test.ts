import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanBytes } from "../../src/scanner/scan-bytes.ts";
import { fixtureDir } from "./corpus.ts";

describe("scanBytes", () => {
  // The worker collects garbage between decoding and searching a big picture (the decoder's 36 MB of RGB for a
  // 12 MP photo); the file's size says little (this 12 MP photo is under 0.5 MB), so it is told the pixels.
  it("says how many pixels it decoded before it searches them", async () => {
    const pixels: number[] = [];
    const bytes = readFileSync(join(fixtureDir, "dev-0035.jpg"));
    const outcome = await scanBytes(bytes, { timeBudgetMs: 4000, decoded: (n) => pixels.push(n) });
    expect(bytes.byteLength).toBeLessThan(1_500_000);
    expect(pixels).toEqual([4032 * 3024]);
    expect(outcome.payloads.length).toBe(1);
  }, 60_000);
});
