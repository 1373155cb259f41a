/**
 * `npm run bench:scan -- DIR [--workers N] [--budget MS] [--skip step,step] [--quiet]`
 *
 * Scores the scanner on a folder of images with a manifest.json in the corpus format (../shared/corpus):
 * decode rate (images where an expected payload was read, over images that have one), every-code rate,
 * false decodes (a payload in neither `expected` nor `other_codes`), median and p95 ms per image from bytes to
 * payloads over all images, peak RSS; then the same by tag, and per image the scan time over jimp's bare
 * decode time of the same file. Images are scanned one at a time, through the worker pool, after a warm-up.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/log/logger.ts";
import { parseQrPayload } from "../src/notice/index.ts";
import { createScanner } from "../src/scanner/index.ts";

interface Entry {
  file: string;
  kind: string;
  expected: string[];
  other_codes: string[];
  tags: string[];
  difficulty: string;
}

interface Row {
  entry: Entry;
  payloads: string[];
  /** Notice numbers of the notices read (from a QR code, or the Poste Data Matrix fallback). */
  notices: string[];
  ms: number;
  error?: string;
  jimpMs?: number;
}

const { values, positionals } = parseArgs({
  options: {
    workers: { type: "string", default: "1" },
    budget: { type: "string" },
    skip: { type: "string", default: "" },
    quiet: { type: "boolean", default: false },
  },
  allowPositionals: true,
});
const dir = positionals[0];
if (dir === undefined) {
  process.stderr.write("usage: npm run bench:scan -- DIR [--workers N] [--budget MS] [--skip step,step] [--quiet]\n");
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as { images: Entry[] };
const entries = manifest.images;
const skipSteps = values.skip.split(",").filter((s) => s !== "");
// Longer than the pool's idle stop, so that idle RSS is measured as a quiet server would sit.
const IDLE_STOP_MS = 1000;
const IDLE_WAIT_MS = 3000;
const scanner = createScanner({
  logger: silentLogger,
  workers: Number(values.workers),
  ...(values.budget === undefined ? {} : { timeBudgetMs: Number(values.budget) }),
  skipSteps,
  // Stopped well inside the wait before the idle RSS is taken; files are read back to back, so never earlier.
  idleStopMs: IDLE_STOP_MS,
});

const loadBefore = loadavg()
  .map((l) => l.toFixed(1))
  .join(" ");

// Warm-up: start the worker and compile the hot loops, as the peers were measured warm.
const first = entries[0];
if (first !== undefined) await scanner.scan(readFileSync(join(dir, first.file))).catch(() => undefined);

// CPU time of the whole process (the worker, libvips' thread, the collector) over the files: on a machine
// shared with other work, wall-clock figures move with the load, and this moves much less.
const cpuBefore = process.cpuUsage();
const rows: Row[] = [];
for (const entry of entries) {
  const bytes = readFileSync(join(dir, entry.file));
  const started = performance.now();
  try {
    const result = await scanner.scan(bytes);
    const notices = result.notices.map((n) => n.noticeNumber);
    rows.push({ entry, payloads: result.payloads, notices, ms: performance.now() - started });
  } catch (error) {
    const code = (error as { code?: string }).code;
    rows.push({ entry, payloads: [], notices: [], ms: performance.now() - started, error: code });
  }
}
const cpuUsed = process.cpuUsage(cpuBefore);
const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;
// Idle RSS: what the process keeps resident once the files are read and the scanner waits for the next one
// (workers that stop when idle have had the time to stop).
await new Promise((resolve) => setTimeout(resolve, IDLE_WAIT_MS));
const idleRssMb = process.memoryUsage.rss() / 1024 / 1024;
await scanner.close();
// Peak RSS of this process (the workers are threads in it), taken before the jimp baseline below runs.
const peakRssMb = process.resourceUsage().maxRSS / 1024;

// jimp's bare decode of each file, on this thread: the floor a jimp-based scanner cannot go under. (Loaded
// only now, so that it does not count in the scanner's peak RSS above.)
const { Jimp } = await import("jimp");
for (const row of rows) {
  const bytes = readFileSync(join(dir, row.entry.file));
  const started = performance.now();
  await Jimp.read(bytes).catch(() => undefined);
  row.jimpMs = performance.now() - started;
}

const hit = (r: Row) => r.entry.expected.some((p) => r.payloads.includes(p));
// The notice read at all: by its QR code, or by the Poste Data Matrix when no QR code was read.
const noticeNumber = (payload: string) => {
  const parsed = parseQrPayload(payload);
  return parsed.ok ? parsed.value.noticeNumber : payload;
};
const noticeHit = (r: Row) => r.entry.expected.some((p) => r.notices.includes(noticeNumber(p)));
const every = (r: Row) => r.entry.expected.length > 0 && r.entry.expected.every((p) => r.payloads.includes(p));
const falses = (r: Row) => r.payloads.filter((p) => !r.entry.expected.includes(p) && !r.entry.other_codes.includes(p));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number);
};
const pct = (n: number, d: number) => (d === 0 ? "–" : `${((100 * n) / d).toFixed(1)} %`);
const out = (line: string) => process.stdout.write(`${line}\n`);

if (!values.quiet) {
  out("| file | kind | expected | read | ms | jimp ms | ratio | result |");
  out("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    const result =
      falses(r).length > 0
        ? "FALSE"
        : r.error !== undefined
          ? r.error
          : r.entry.expected.length === 0
            ? "negative"
            : every(r)
              ? "all"
              : hit(r)
                ? "some"
                : "miss";
    out(
      `| ${r.entry.file} | ${r.entry.kind} | ${r.entry.expected.length} | ${r.payloads.length} | ${r.ms.toFixed(0)} | ${(r.jimpMs ?? 0).toFixed(0)} | ${(r.ms / (r.jimpMs ?? 1)).toFixed(2)} | ${result} |`,
    );
  }
  out("");
}

const withCode = rows.filter((r) => r.entry.expected.length > 0);
const ratios = rows.map((r) => r.ms / (r.jimpMs ?? r.ms));
// glibc reads its malloc settings at start: say which ones this run had, as they move the RSS figures.
const mallocEnv = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"]
  .filter((k) => process.env[k] !== undefined)
  .map((k) => `${k}=${process.env[k]}`);
out(`bench:scan ${dir}${skipSteps.length > 0 ? ` (without ${skipSteps.join(", ")})` : ""}`);
out(`malloc: ${mallocEnv.length > 0 ? mallocEnv.join(" ") : "glibc defaults"}`);
out(
  `cpu: ${(cpuMs / 1000).toFixed(1)} s over ${rows.length} images (mean ${(cpuMs / rows.length).toFixed(0)} ms), load ${loadBefore} → ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")}`,
);
out("");
out(
  "| images | decode rate | every code | false decodes | notice read (QR or Data Matrix) | median ms | p95 ms | peak RSS | idle RSS | scan / jimp decode (median, p95) |",
);
out("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
out(
  `| ${rows.length} | ${pct(withCode.filter(hit).length, withCode.length)} (${withCode.filter(hit).length}/${withCode.length}) | ${pct(withCode.filter(every).length, withCode.length)} (${withCode.filter(every).length}) | ${rows.reduce((n, r) => n + falses(r).length, 0)} | ${withCode.filter(noticeHit).length}/${withCode.length} | ${quantile(
    rows.map((r) => r.ms),
    0.5,
  ).toFixed(0)} | ${quantile(
    rows.map((r) => r.ms),
    0.95,
  ).toFixed(
    0,
  )} | ${peakRssMb.toFixed(0)} MB | ${idleRssMb.toFixed(0)} MB | ${quantile(ratios, 0.5).toFixed(2)}, ${quantile(ratios, 0.95).toFixed(2)} |`,
);
out("");
out("| tag | images | decoded | every code | median ms | scan / jimp (median) |");
out("| --- | --- | --- | --- | --- | --- |");
const tags = [
  ...new Set(rows.flatMap((r) => [...r.entry.tags, `kind:${r.entry.kind}`, `difficulty:${r.entry.difficulty}`])),
].sort();
for (const tag of tags) {
  const group = rows.filter((r) =>
    [...r.entry.tags, `kind:${r.entry.kind}`, `difficulty:${r.entry.difficulty}`].includes(tag),
  );
  const coded = group.filter((r) => r.entry.expected.length > 0);
  out(
    `| ${tag} | ${group.length} | ${coded.length === 0 ? "–" : `${coded.filter(hit).length}/${coded.length}`} | ${coded.length === 0 ? "–" : coded.filter(every).length} | ${quantile(
      group.map((r) => r.ms),
      0.5,
    ).toFixed(0)} | ${quantile(
      group.map((r) => r.ms / (r.jimpMs ?? r.ms)),
      0.5,
    ).toFixed(2)} |`,
  );
}
