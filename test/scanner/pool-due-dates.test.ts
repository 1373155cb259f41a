import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner, type Scanner } from "../../src/scanner/index.ts";
import { ScanPool } from "../../src/scanner/pool/pool.ts";
import { printedPicture } from "../helpers/printed-picture.ts";
import { fixtureDir } from "./corpus.ts";

const large = readFileSync(join(fixtureDir, "dev-0035.jpg")); // 4032×3024, seconds of work
const small = readFileSync(join(fixtureDir, "dev-0003.png")); // a 1366×768 screenshot
const smallPayloads = [
  "PAGOPA|002|342823401952101609|89978988924|17437",
  "PAGOPA|002|311350374237854136|89978988924|17437",
];

/**
 * Due dates read by Tesseract in the scanner's own worker threads, after the card is shown: a date comes back,
 * and a scan never waits for one.
 */
describe("due dates read in the scanner's workers", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  const pool = (options: Partial<ConstructorParameters<typeof ScanPool>[0]> = {}) => {
    // Tesseract's 20 s default is for a busy chat; this machine may be shared (the last test sets its own).
    const p = new ScanPool({
      size: 1,
      maxQueue: 4,
      hardTimeoutMs: 60_000,
      dueDateTimeoutMs: 60_000,
      logger: silentLogger,
      ...options,
    });
    closers.push(() => p.close());
    return p;
  };
  const notice = () => printedPicture(["242,41 Euro", "entro il 04/01/2025", "Codice avviso 3020 1672 3749 6700 00"]);

  it("reads the due date printed on a notice's picture, as a date read from it", async () => {
    const scanner: Scanner = createScanner({ logger: silentLogger, workers: 2, dueDateTimeoutMs: 60_000 });
    closers.push(() => scanner.close());
    expect(await scanner.readDueDate(await notice(), "2024-12-01")).toMatchObject({
      date: "2025-01-04",
      source: "read",
      phrase: expect.stringMatching(/entro il/i),
    });
    // No date printed: none read; a PDF is not given to Tesseract (its text is read by the scan).
    expect(await scanner.readDueDate(await printedPicture(["Importo 120,50 Euro"]))).toBeNull();
    expect(await scanner.readDueDate(new TextEncoder().encode("%PDF-1.4\nentro il 04/01/2025"))).toBeNull();
  }, 90_000);

  it("answers a scan sent while the only worker reads a due date without queueing it behind Tesseract", async () => {
    const p = pool({ size: 1 });
    const reading = p.readDueDate({ bytes: await notice() });
    expect(p.running).toEqual({ scans: 0, dueDates: 1 });
    const queued: number[] = [];
    const scanning = p.run({ bytes: small, timeBudgetMs: 1200 }, { onQueued: (at) => queued.push(at) });
    // The scan went to a worker at once, beside the due date, instead of waiting for the only one.
    expect(p.running).toEqual({ scans: 1, dueDates: 1 });
    expect(p.workers).toBe(2);
    expect((await scanning).payloads).toEqual(smallPayloads);
    expect(queued).toEqual([]);
    expect(await reading).toMatchObject({ date: "2025-01-04" });
  }, 90_000);

  it("gives a freed worker to a waiting scan before a due date that was waiting longer", async () => {
    const p = pool({ size: 1 });
    const order: string[] = [];
    const first = p.run({ bytes: large, timeBudgetMs: 1200 }).then(() => order.push("first scan"));
    const reading = p.readDueDate({ bytes: await notice() }).then((due) => {
      order.push("due date");
      return due;
    });
    // The only worker scans: the due date waits and starts no thread beyond the pool's size.
    expect(p.running).toEqual({ scans: 1, dueDates: 0 });
    const second = p.run({ bytes: small, timeBudgetMs: 1200 }).then(() => order.push("second scan"));
    await Promise.all([first, second]);
    expect(await reading).toMatchObject({ date: "2025-01-04" });
    expect(order).toEqual(["first scan", "second scan", "due date"]);
  }, 90_000);

  it("leaves a picture without a date, at once, past the due dates' queue; and gives up on a slow one", async () => {
    const p = pool({ size: 1, maxDueDateQueue: 1, dueDateTimeoutMs: 1 });
    const scanning = p.run({ bytes: small, timeBudgetMs: 1200 });
    const waiting = p.readDueDate({ bytes: await notice() });
    let refused: unknown = "pending";
    const overflow = p.readDueDate({ bytes: await notice() }).then((due) => {
      refused = due;
    });
    await overflow;
    expect(refused).toBeNull();
    expect(p.running).toEqual({ scans: 1, dueDates: 0 });
    expect((await scanning).payloads).toEqual(smallPayloads);
    // 1 ms is too little for any picture: Tesseract gives up, and the worker goes on scanning.
    expect(await waiting).toBeNull();
    expect((await p.run({ bytes: small, timeBudgetMs: 1200 })).payloads).toEqual(smallPayloads);
  }, 90_000);
});
