import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner, type ScanResult } from "../../src/scanner/index.ts";
import { type CorpusEntry, corpusDir, hasCorpus, readManifest } from "./corpus.ts";
import { expectSound } from "./expectations.ts";

// Every image of the shared corpus with its expected result. The decode *rate* is the benchmark's business
// (npm run bench:scan); here what must always hold is checked on each image, and the easy ones exactly.
for (const split of ["dev", "dev-telegram"]) {
  const dir = corpusDir(split);
  const title = hasCorpus(dir)
    ? `scanner on corpus/${split}`
    : `scanner on corpus/${split}: SKIPPED, no corpus/${split}/manifest.json under PAGOBOT_SHARED_DIR (default ../shared)`;
  describe.skipIf(!hasCorpus(dir))(title, () => {
    const entries: CorpusEntry[] = hasCorpus(dir) ? readManifest(dir) : [];
    const results = new Map<string, ScanResult>();
    const scanner = createScanner({ logger: silentLogger, workers: 2, maxQueue: 200 });

    beforeAll(async () => {
      await Promise.all(
        entries.map(async (entry) => {
          results.set(entry.file, await scanner.scan(readFileSync(join(dir, entry.file))));
        }),
      );
    }, 600_000);
    afterAll(() => scanner.close());

    it("reads at least the easy images and the screenshots and scans", () => {
      const easy = entries.filter((e) => e.difficulty === "easy");
      expect(easy.length).toBeGreaterThan(20);
      const read = easy.filter((e) => e.expected.every((p) => results.get(e.file)?.payloads.includes(p)));
      expect(read.map((e) => e.file)).toEqual(easy.map((e) => e.file));
    });

    for (const entry of entries) {
      it(`${entry.file}: ${entry.difficulty}, ${entry.tags.join(" ")}`, () => {
        const result = results.get(entry.file);
        expect(result).toBeDefined();
        if (result !== undefined) expectSound(entry, result);
      });
    }
  });
}
