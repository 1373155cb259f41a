import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scanBytes } from "../../src/scanner/scan-bytes.ts";
import { corpusDir, fixtureDir, hasCorpus, readManifest } from "./corpus.ts";

describe("scanBytes", () => {
  // The worker collects garbage between decoding and searching a big picture (the decoder's 36 MB of RGB for a
  // 12 MP photo); the file's size says little (this 12 MP photo is under 0.5 MB), so it is told the pixels.
  it("says how many pixels it decoded before it searches them", async () => {
    const pixels: number[] = [];
    const bytes = readFileSync(join(fixtureDir, "dev-0035.jpg"));
    const outcome = await scanBytes(bytes, {
      timeBudgetMs: 4000,
      decoded: (n) => pixels.push(n),
      skipSteps: ["half-first"],
    });
    expect(bytes.byteLength).toBeLessThan(1_500_000);
    expect(pixels).toEqual([4032 * 3024]);
    expect(outcome.payloads.length).toBe(1);
  }, 60_000);
});

const dev = corpusDir("dev");

describe.skipIf(!hasCorpus(dev))("a 12 MP photo's first look at half size", () => {
  const entries = hasCorpus(dev) ? readManifest(dev) : [];
  const scan = (file: string, skipSteps: string[] = []) => {
    const pixels: number[] = [];
    const bytes = readFileSync(join(dev, file));
    return scanBytes(bytes, { timeBudgetMs: 4000, skipSteps, decoded: (n) => pixels.push(n) }).then((outcome) => ({
      payloads: outcome.payloads,
      fullSizeDecodes: pixels.length,
    }));
  };

  it("reads a code of 10 px modules without decoding the photo at full size", async () => {
    const expected = entries.find((e) => e.file === "dev-0066.jpg")?.expected;
    expect(await scan("dev-0066.jpg")).toEqual({ payloads: expected, fullSizeDecodes: 0 });
    expect(await scan("dev-0066.jpg", ["half-first"])).toEqual({ payloads: expected, fullSizeDecodes: 1 });
  }, 60_000);

  it("searches the whole photo when the code it read has small modules: the second instalment's code is read too", async () => {
    const expected = entries.find((e) => e.file === "dev-0098.jpg")?.expected ?? [];
    expect(expected.length).toBe(2);
    const read = await scan("dev-0098.jpg");
    expect([...read.payloads].sort()).toEqual([...expected].sort());
  }, 60_000);
});
