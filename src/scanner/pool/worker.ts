import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { parentPort } from "node:worker_threads";
import { preloadDecoders } from "../decode/image.ts";
import { ScanError } from "../errors.ts";
import { scanBytes } from "../scan-bytes.ts";
import type { JobMessage, ResultMessage } from "./protocol.ts";

// Warm up while no file is waiting; a scan that arrives meanwhile simply awaits the same imports.
void preloadDecoders().catch(() => undefined);

// A full collection after each answer (off the caller's path: the reply has gone) hands a 12 MP photo's
// planes back before the next file, instead of letting them add to its peak. V8 exposes `gc` only when
// asked, and only to contexts made after the flag is set.
setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;
// A 12 MP JPEG is 2–5 MB; Telegram's photos and phone-sized ones stay under 1 MB.
const BIG_FILE_BYTES = 1_500_000;

// One scan at a time per worker: the pool sends the next job only after this one has answered.
parentPort?.on("message", async (job: JobMessage) => {
  let reply: ResultMessage;
  try {
    const outcome = await scanBytes(job.bytes, {
      timeBudgetMs: job.timeBudgetMs,
      skipSteps: job.skipSteps,
      // Between decoding and searching a big file: the decoder's buffers go before the search's planes come.
      decoded: (size) => {
        if (size > BIG_FILE_BYTES) collect();
      },
    });
    reply = { id: job.id, ok: true, outcome };
  } catch (error) {
    reply =
      error instanceof ScanError
        ? { id: job.id, ok: false, code: error.code, message: error.message }
        : { id: job.id, ok: false, code: "scan_failed", message: "the file could not be scanned" };
  }
  parentPort?.postMessage(reply);
  // Only after a big file: the next file may be waiting, and a phone photo's planes are small.
  if (job.bytes.byteLength > BIG_FILE_BYTES) collect();
});
