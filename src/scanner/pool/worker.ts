import { parentPort, workerData } from "node:worker_threads";
import type { DueDateOcr } from "../../ocr/due-date-ocr.ts";
import { preloadDecoders } from "../decode/image.ts";
import { ScanError } from "../errors.ts";
import { scanBytes } from "../scan-bytes.ts";
import { collectGarbage as collect } from "./collect.ts";
import type { DueDateJobMessage, JobMessage, ResultMessage, ScanJobMessage } from "./protocol.ts";
import { workerLogger } from "./worker-logger.ts";

// Warm up while no file is waiting; a scan that arrives meanwhile simply awaits the same imports. A thread started
// for a due date does not: its decoders would take CPU from Tesseract's start and memory it may never use.
if ((workerData as { preload?: boolean } | undefined)?.preload !== false) void preloadDecoders().catch(() => undefined);

// A full collection after each answer (off the caller's path: the reply has gone) hands a 12 MP photo's
// planes back before the next file, instead of letting them add to its peak.
// A 12 MP photo, or a PDF page scanned at 300 dpi: the file's size says little (most 12 MP photos here are
// 0.4–1.2 MB), so the decoded pixels decide. Telegram's photos (1.2 MP) and phone-sized ones (2.8 MP) stay under.
const BIG_PICTURE_PIXELS = 6_000_000;
/** Pixels of the picture the last scan decoded (0 for a PDF), for the collection after it has answered. */
let lastPixels = 0;
// A PDF's page images are decoded without that call: a big file (2–5 MB) is collected after, as a 12 MP JPEG was.
const BIG_FILE_BYTES = 1_500_000;

const post = (message: ResultMessage) => parentPort?.postMessage(message);

async function scan(job: ScanJobMessage): Promise<ResultMessage> {
  lastPixels = 0;
  try {
    const outcome = await scanBytes(job.bytes, {
      timeBudgetMs: job.timeBudgetMs,
      skipSteps: job.skipSteps,
      // Between decoding and searching a big file: the decoder's buffers go before the search's planes come.
      decoded: (pixels) => {
        lastPixels = pixels;
        if (pixels >= BIG_PICTURE_PIXELS) collect();
      },
    });
    return { type: "scan", id: job.id, ok: true, outcome };
  } catch (error) {
    return error instanceof ScanError
      ? { type: "scan", id: job.id, ok: false, code: error.code, message: error.message }
      : { type: "scan", id: job.id, ok: false, code: "scan_failed", message: "the file could not be scanned" };
  }
}

// This thread's Tesseract: a tesseract.js worker it owns, started on the first due-date job, stopped after idle
// or a timeout. (Tesseract's WASM heap only ever grows; in a thread of its own it is handed back whole when that
// thread stops, which the scanner's own heap could not do.) Tesseract.js is imported then too: a thread that
// only scans never loads it.
let ocr: Promise<DueDateOcr> | undefined;

async function readDueDate(job: DueDateJobMessage): Promise<ResultMessage> {
  ocr ??= import("../../ocr/due-date-ocr.ts").then(({ createDueDateOcr }) =>
    createDueDateOcr({
      logger: workerLogger(post),
      idleMs: job.idleMs,
      timeoutMs: job.timeoutMs,
      // The pool sends one job at a time: nothing ever waits here.
      maxWaiting: 1,
    }),
  );
  try {
    return { type: "due-date", id: job.id, due: await (await ocr).read(job.bytes, job.today) };
  } catch {
    // Its reader never throws; a module that fails to load leaves the picture without a date, as a blur would.
    ocr = undefined;
    return { type: "due-date", id: job.id, due: null };
  }
}

// One job at a time per worker: the pool sends the next job only after this one has answered.
parentPort?.on("message", async (job: JobMessage) => {
  post(job.type === "scan" ? await scan(job) : await readDueDate(job));
  // Only after a big picture: the next file may be waiting, and a phone photo's planes are small.
  if (job.type === "scan" && (lastPixels >= BIG_PICTURE_PIXELS || job.bytes.byteLength > BIG_FILE_BYTES)) collect();
});
