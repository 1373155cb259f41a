import { type PaymentNotice, parsePosteDataMatrix, parseQrPayload, readNoticeFromText } from "../notice/index.ts";
import { decodeImage } from "./decode/image.ts";
import { readPdf } from "./decode/pdf.ts";
import { ScanError } from "./errors.ts";
import { limits } from "./limits.ts";
import { readDataMatrices } from "./read/datamatrix-read.ts";
import { deadlineIn, type ScanClocks, threadClocks } from "./read/deadline.ts";
import { findCodes } from "./read/find-codes.ts";
import { sniff } from "./sniff.ts";

/** What one file held; `ScanResult` without the timing the caller adds. */
export interface ScanOutcome {
  readonly payloads: string[];
  readonly notices: PaymentNotice[];
  readonly source: "image" | "image-datamatrix" | "pdf-image" | "pdf-text";
  /** A PDF's printed text (capped), for what else the notice says: its due date. */
  readonly text?: string;
}

/** Enough for every page of a notice; a long PDF's text is cut, never shipped whole between threads. */
const MAX_TEXT_CHARS = 20_000;

export interface ScanBytesOptions {
  /**
   * Time for the whole file, decoding included, in this thread's own CPU time (wall time where that cannot be
   * read; see read/deadline.ts): the search gets what decoding leaves (never < a floor).
   */
  readonly timeBudgetMs: number;
  /** The clocks the budget counts with (tests inject theirs); by default this thread's CPU time and the wall. */
  readonly clocks?: ScanClocks;
  /** Search steps to leave out (benchmark ablations); "libvips" decodes JPEGs without sharp. */
  readonly skipSteps?: readonly string[];
  /**
   * Called once an image is decoded to its luminance plane, before the search, with its pixel count: a worker
   * collects garbage here after a big picture, so that the decoder's own buffers (a 12 MP JPEG's 36 MB of RGB)
   * are handed back before the search adds its planes to the peak.
   */
  readonly decoded?: (pixels: number) => void;
}

// A slow decode (a 12 MP JPEG on a busy machine) must not leave the search no time at all.
const MIN_SEARCH_MS = 250;

// The Poste Data Matrix fallback gets the end of the time budget: the QR search stops this much earlier when
// it has read nothing (it is past its likely reads by then), and a clear photo never pays for it. With less
// than DATAMATRIX_MIN_MS left (a slow decode on a busy machine) it is skipped: the budget holds first.
const DATAMATRIX_MS = 250;
const DATAMATRIX_MIN_MS = 100;

const isPagoPa = (text: string) => parseQrPayload(text).ok;
const isPosteDataMatrix = (text: string) => parsePosteDataMatrix(text).ok;

/**
 * Reads every pagoPA QR code in an image or PDF, on the calling thread (the pool runs this in a worker).
 * Hostile input is refused from the byte count and the header, before anything is decoded.
 */
export async function scanBytes(bytes: Uint8Array, options: ScanBytesOptions): Promise<ScanOutcome> {
  const clocks = options.clocks ?? threadClocks;
  // Started before decoding, which counts against the budget. sharp decodes JPEGs in libuv's pool, not on this
  // thread, so that decode is not taken from this thread's CPU budget; the wall ceiling still bounds it.
  const file = deadlineIn(options.timeBudgetMs, clocks);
  if (bytes.byteLength > limits.maxFileBytes) {
    const mb = (bytes.byteLength / 1024 / 1024).toFixed(1);
    throw new ScanError("file_too_large", `the file is ${mb} MB (at most ${limits.maxFileBytes / 1024 / 1024} MB)`);
  }
  if (bytes.byteLength === 0) throw new ScanError("corrupt_file", "the file is empty");
  const sniffed = sniff(bytes);
  if (sniffed.width !== undefined && sniffed.height !== undefined) {
    const pixels = sniffed.width * sniffed.height;
    if (pixels > limits.maxPixels) {
      throw new ScanError(
        "too_many_pixels",
        `the image is ${sniffed.width}×${sniffed.height} (${(pixels / 1e6).toFixed(0)} MP, at most ${limits.maxPixels / 1e6} MP)`,
      );
    }
  }
  const searchBudget = () => Math.max(MIN_SEARCH_MS, file.left());
  const search = { wanted: isPagoPa, skip: options.skipSteps };

  if (sniffed.type !== "pdf") {
    const luma = await decodeImage(bytes, sniffed, { native: !options.skipSteps?.includes("libvips") });
    options.decoded?.(luma.width * luma.height);
    const dataMatrix = !options.skipSteps?.includes("datamatrix");
    const budget = searchBudget();
    const qrBudget = dataMatrix ? Math.max(MIN_SEARCH_MS, budget - DATAMATRIX_MS) : budget;
    const found = findCodes(luma, { ...search, deadline: deadlineIn(qrBudget, clocks) });
    if (found.length > 0 || !dataMatrix)
      return withNotices(
        found.map((f) => f.text),
        "image",
      );
    // No QR code read: the Poste slip's Data Matrix carries the same notice.
    const left = file.left();
    const texts = left >= DATAMATRIX_MIN_MS ? readDataMatrices(luma, deadlineIn(left, clocks), isPosteDataMatrix) : [];
    return withNotices(texts, texts.length > 0 ? "image-datamatrix" : "image");
  }

  const pdf = await readPdf(bytes);
  const deadline = deadlineIn(searchBudget(), clocks);
  const payloads: string[] = [];
  for (const image of pdf.images) {
    if (deadline.passed()) break;
    for (const f of findCodes(image, { ...search, deadline })) if (!payloads.includes(f.text)) payloads.push(f.text);
  }
  const text = pdf.pageTexts.join("\n").slice(0, MAX_TEXT_CHARS);
  if (payloads.length > 0) return { ...withNotices(payloads, "pdf-image"), text };
  // No QR image (or none readable): the notice's codes are printed as text on the page too.
  const notices: PaymentNotice[] = [];
  for (const text of [...pdf.pageTexts, pdf.pageTexts.join("\n")]) {
    const read = readNoticeFromText(text);
    if (read.ok && !notices.some((n) => n.rptId === read.value.rptId)) notices.push(read.value);
  }
  return { payloads: [], notices, source: "pdf-text", text };
}

function withNotices(payloads: string[], source: ScanOutcome["source"]): ScanOutcome {
  const notices: PaymentNotice[] = [];
  for (const p of payloads) {
    const parsed = source === "image-datamatrix" ? parsePosteDataMatrix(p) : parseQrPayload(p);
    if (parsed.ok) notices.push(parsed.value);
  }
  return { payloads, notices, source };
}
