// Measures reading due dates from notice pictures with Tesseract (src/ocr): per image kind of the corpus, how
// many gave a due date, the time per read (median, p95) and the process's peak RSS.
//   npm run bench:ocr -- <corpus dir> [photos=20]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../src/log/logger.ts";
import { createDueDateOcr } from "../src/ocr/due-date-ocr.ts";

interface Entry {
  readonly file: string;
  readonly kind: string;
  readonly expected: readonly string[];
}

const dir = process.argv[2];
if (dir === undefined) {
  process.stderr.write("usage: npm run bench:ocr -- <corpus dir> [photos=20]\n");
  process.exit(2);
}
const photos = Number(process.argv[3] ?? 20);
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { images: Entry[] };
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)] ?? NaN;

const ocr = createDueDateOcr({ logger: silentLogger, timeoutMs: 60_000 });
let peak = process.memoryUsage().rss;
const byKind = new Map<string, { read: number; total: number; ms: number[] }>();
const chosen = [
  ...manifest.images.filter((e) => e.kind === "screenshot" || e.kind === "scan"),
  ...manifest.images.filter((e) => e.kind === "photo" && e.expected.length > 0).slice(0, photos),
];
// The first read loads the model (~1 s): not counted in the per-read times.
const started = performance.now();
await ocr.read(readFileSync(join(dir, chosen[0]?.file ?? "")));
const loadMs = performance.now() - started;
for (const entry of chosen) {
  const bytes = readFileSync(join(dir, entry.file));
  const t = performance.now();
  const due = await ocr.read(bytes);
  const ms = performance.now() - t;
  peak = Math.max(peak, process.memoryUsage().rss);
  const row = byKind.get(entry.kind) ?? { read: 0, total: 0, ms: [] };
  row.total++;
  if (due !== null) row.read++;
  row.ms.push(ms);
  byKind.set(entry.kind, row);
}
await ocr.close();
process.stdout.write(`first read (model load included): ${loadMs.toFixed(0)} ms\n`);
process.stdout.write("| kind | due date read | median ms | p95 ms |\n| --- | --- | --- | --- |\n");
for (const [kind, row] of byKind) {
  process.stdout.write(
    `| ${kind} | ${row.read}/${row.total} | ${quantile(row.ms, 0.5).toFixed(0)} | ${quantile(row.ms, 0.95).toFixed(0)} |\n`,
  );
}
process.stdout.write(`peak RSS ${(peak / 1e6).toFixed(0)} MB\n`);
