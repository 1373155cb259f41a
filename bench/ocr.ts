// Measures reading due dates from notice pictures with Tesseract in the scanner's worker threads (src/scanner's
// pool, src/ocr): per image kind of the corpus, how many gave a due date, the time per read (median, p95) and the
// process's peak RSS (every thread's); then a screenshot's scan time alone and while a due date is being read.
//   npm run bench:ocr -- <corpus dir> [photos=20]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../src/log/logger.ts";
import { createScanner } from "../src/scanner/index.ts";

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

// As the app makes it: two threads, which scan and read due dates.
const scanner = createScanner({ logger: silentLogger, workers: 2, dueDateTimeoutMs: 60_000 });
let peak = process.memoryUsage().rss;
const byKind = new Map<string, { read: number; total: number; ms: number[] }>();
const chosen = [
  ...manifest.images.filter((e) => e.kind === "screenshot" || e.kind === "scan"),
  ...manifest.images.filter((e) => e.kind === "photo" && e.expected.length > 0).slice(0, photos),
];
// The first read loads the model (~1 s): not counted in the per-read times.
const started = performance.now();
await scanner.readDueDate(readFileSync(join(dir, chosen[0]?.file ?? "")));
const loadMs = performance.now() - started;
for (const entry of chosen) {
  const bytes = readFileSync(join(dir, entry.file));
  const t = performance.now();
  const due = await scanner.readDueDate(bytes);
  const ms = performance.now() - t;
  peak = Math.max(peak, process.memoryUsage().rss);
  const row = byKind.get(entry.kind) ?? { read: 0, total: 0, ms: [] };
  row.total++;
  if (due !== null) row.read++;
  row.ms.push(ms);
  byKind.set(entry.kind, row);
}
const readsPeak = peak;
// A scan is never kept waiting by a due date: a screenshot's scan alone, then each one sent while the threads'
// one due date is being read (the picture is the first screenshot, read again).
const screenshot = readFileSync(join(dir, chosen[0]?.file ?? ""));
const alone: number[] = [];
const beside: number[] = [];
for (let i = 0; i < 5; i++) alone.push((await scanner.scan(screenshot)).ms);
for (let i = 0; i < 5; i++) {
  const reading = scanner.readDueDate(screenshot);
  beside.push((await scanner.scan(screenshot)).ms);
  await reading;
  peak = Math.max(peak, process.memoryUsage().rss);
}
await scanner.close();
process.stdout.write(`first read (model load included): ${loadMs.toFixed(0)} ms\n`);
process.stdout.write("| kind | due date read | median ms | p95 ms |\n| --- | --- | --- | --- |\n");
for (const [kind, row] of byKind) {
  process.stdout.write(
    `| ${kind} | ${row.read}/${row.total} | ${quantile(row.ms, 0.5).toFixed(0)} | ${quantile(row.ms, 0.95).toFixed(0)} |\n`,
  );
}
process.stdout.write(
  `peak RSS ${(readsPeak / 1e6).toFixed(0)} MB (reads), ${(peak / 1e6).toFixed(0)} MB (with the scans)\n`,
);
process.stdout.write(
  `screenshot scan, median ms: alone ${quantile(alone, 0.5).toFixed(0)}, while a due date is read ${quantile(beside, 0.5).toFixed(0)}\n`,
);
