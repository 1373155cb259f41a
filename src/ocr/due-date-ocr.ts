import { createRequire } from "node:module";
import { createWorker, type Worker } from "tesseract.js";
import { type DueDate, findDueDate } from "../family/due-date.ts";
import type { Logger } from "../log/logger.ts";
import { ocrMaxBytes, worthReading } from "./ocr-input.ts";

/**
 * Reads a notice's due date ("entro il 17/01/2025") from a photo or a screenshot: Tesseract (tesseract.js, its
 * WebAssembly build) with the Italian trained data installed from npm, never fetched at run time. It is slow
 * beside the QR reader (a second or more), so the engine asks it only after the card is shown, and a date it
 * finds is marked as read, not given. The text it reads is never logged: a notice names a person.
 * The app runs it inside the scanner's worker threads (src/scanner/pool), which send it one picture at a time.
 */
export interface DueDateOcr {
  /** The due date printed on the image, or null (no date, not legible, busy, too slow, not an image). */
  read(image: Uint8Array, today?: string): Promise<DueDate | null>;
  /** True while the Tesseract worker is loaded (it is stopped after `idleMs` without work). */
  loaded(): boolean;
  close(): Promise<void>;
}

export interface DueDateOcrOptions {
  readonly logger: Logger;
  /** The worker (with ~100 MB of model and buffers) is stopped after this long without work. Default 30 s. */
  readonly idleMs?: number;
  /** A read taking longer is given up and its worker stopped. Default 20 s. */
  readonly timeoutMs?: number;
  /** Reads waiting beyond this many are refused at once (null): OCR is a nicety, never a backlog. Default 8. */
  readonly maxWaiting?: number;
  /** Images larger than this are not read (a 12 MP photo takes several seconds). Default 8 MB. */
  readonly maxBytes?: number;
}

// The trained data ships as an npm package (a CommonJS module giving its folder): installed, never downloaded.
const italian = createRequire(import.meta.url)("@tesseract.js-data/ita") as { langPath: string; gzip: boolean };

/**
 * Tesseract's Italian config names a user-words file the npm package does not ship, and says so on stderr at every
 * start: none is wanted. The typings list only the dawg switches, though any init-only parameter is accepted.
 */
const noUserWords = { user_words_suffix: "" } as unknown as Parameters<typeof createWorker>[3];

export function createDueDateOcr(options: DueDateOcrOptions): DueDateOcr {
  const logger = options.logger.child({ module: "ocr" });
  const idleMs = options.idleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxWaiting = options.maxWaiting ?? 8;
  const maxBytes = options.maxBytes ?? ocrMaxBytes;
  let worker: Promise<Worker> | undefined;
  let idle: NodeJS.Timeout | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let closed = false;

  const stop = async () => {
    clearTimeout(idle);
    const running = worker;
    worker = undefined;
    await (await running?.catch(() => undefined))?.terminate().catch(() => {});
  };
  const start = () => {
    worker ??= createWorker(
      "ita",
      1,
      {
        langPath: italian.langPath,
        gzip: italian.gzip,
        // No cache written beside the data: the package's folder may be read-only, and loading takes ~1 s.
        cacheMethod: "none",
        logger: () => {},
        errorHandler: (error: unknown) => logger.warn("ocr worker error", { error }),
      },
      noUserWords,
    );
    return worker;
  };

  const readOne = async (image: Uint8Array, today: string | undefined): Promise<DueDate | null> => {
    clearTimeout(idle);
    let timer: NodeJS.Timeout | undefined;
    try {
      const recognised = (await start()).recognize(Buffer.from(image));
      const late = new Promise<null>((resolve) => {
        timer = setTimeout(() => resolve(null), timeoutMs);
      });
      const result = await Promise.race([recognised, late]);
      if (result === null) {
        logger.warn("ocr gave up on a slow image", { timeoutMs });
        await stop();
        return null;
      }
      return findDueDate(result.data.text, "read", today);
    } catch (error) {
      logger.warn("ocr could not read an image", { error });
      await stop();
      return null;
    } finally {
      clearTimeout(timer);
      if (!closed && worker !== undefined) {
        idle = setTimeout(() => void stop(), idleMs);
        idle.unref();
      }
    }
  };

  return {
    read(image, today) {
      if (closed || !worthReading(image, maxBytes)) return Promise.resolve(null);
      if (waiting >= maxWaiting) return Promise.resolve(null);
      waiting++;
      // One image at a time: Tesseract uses a core flat out, and the QR reader needs the other.
      const result = queue.then(() => readOne(image, today));
      queue = result.catch(() => null).finally(() => waiting--);
      return result;
    },
    loaded: () => worker !== undefined,
    async close() {
      closed = true;
      await queue.catch(() => {});
      await stop();
    },
  };
}
