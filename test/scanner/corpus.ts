import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** One image of the notice corpus with its ground truth (../shared/corpus/README.md). */
export interface CorpusEntry {
  file: string;
  kind: string;
  expected: string[];
  other_codes: string[];
  tags: string[];
  difficulty: string;
  width: number;
  height: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

/** The committed subset: always there. */
export const fixtureDir = join(repoRoot, "test/fixtures/scanner");

/** The shared folder lives beside the repository, wherever CI cloned it; PAGOBOT_SHARED_DIR overrides. */
export const sharedDir = process.env.PAGOBOT_SHARED_DIR ?? resolve(repoRoot, "../shared");

export function corpusDir(split: string): string {
  return join(sharedDir, "corpus", split);
}

export function hasCorpus(dir: string): boolean {
  return existsSync(join(dir, "manifest.json"));
}

export function readManifest(dir: string): CorpusEntry[] {
  return (JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { images: CorpusEntry[] }).images;
}
