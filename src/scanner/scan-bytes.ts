import { type PaymentNotice, parsePosteDataMatrix, parseQrPayload, readNoticeFromText } from "../notice/index.ts";
import { decodeImage } from "./decode/image.ts";
import { decodeJpegSharp } from "./decode/libvips.ts";
import { readPdf } from "./decode/pdf.ts";
import { ScanError } from "./errors.ts";
import { limits } from "./limits.ts";
import { readDataMatrices } from "./read/datamatrix-read.ts";
import { deadlineIn, type ScanClocks, threadClocks } from "./read/deadline.ts";
import { type Found, findCodes } from "./read/find-codes.ts";
import { side } from "./read/geometry.ts";
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

// A photo this big (12 MP) is looked at first at half size: libvips decodes it and halves it as the rows come,
// which costs about half of decoding it whole and taking its luminance, and the plane the search works on is
// the same size it would have made itself. Most codes on such photos have modules of 5 px and more, 2.5 and
// more at half size: the first look reads them there. Only when it reads nothing is the photo decoded whole
// and searched as any other, so a code of tiny modules is still read.
const HALF_FIRST_PIXELS = 8_000_000;

// A code read at half size with modules under this (pixels, at half size) may have a twin beside it (a second
// instalment) that the halved plane blurs past reading: the photo is then searched whole. Modules are taken
// as the code's side over 33 (version 4, what pagoPA's payloads need; a version 3 code's are larger).
const HALF_MIN_MODULE_PX = 3;
const QR_MODULES = 33;

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
    const native = !options.skipSteps?.includes("libvips");
    const { width, height } = sniffed;
    if (
      sniffed.type === "jpeg" &&
      native &&
      width !== undefined &&
      height !== undefined &&
      width * height >= HALF_FIRST_PIXELS &&
      !options.skipSteps?.includes("half-first")
    ) {
      const found = await halfSizeLook(
        bytes,
        { width, height },
        { ...search, deadline: deadlineIn(searchBudget(), clocks) },
      );
      if (found.length > 0)
        return withNotices(
          found.map((f) => f.text),
          "image",
        );
    }
    const luma = await decodeImage(bytes, sniffed, { native });
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

/** The first look at a big JPEG decoded at half size (empty when libvips refuses it: the full decode decides). */
async function halfSizeLook(
  bytes: Uint8Array,
  size: { readonly width: number; readonly height: number },
  search: Parameters<typeof findCodes>[1],
): Promise<Found[]> {
  const half = await decodeJpegSharp(bytes, { halvedFrom: size });
  if (half === null) return [];
  // The search's own first look and nothing more: a photo it does not read is decoded whole and gets every other
  // step at full size, so the look must cost little when it fails.
  const found = findCodes(half, { ...search, firstLookOnly: true });
  if (found.some((f) => side(f.quad) / QR_MODULES < HALF_MIN_MODULE_PX)) return [];
  return found;
}

function withNotices(payloads: string[], source: ScanOutcome["source"]): ScanOutcome {
  const notices: PaymentNotice[] = [];
  for (const p of payloads) {
    const parsed = source === "image-datamatrix" ? parsePosteDataMatrix(p) : parseQrPayload(p);
    if (parsed.ok) notices.push(parsed.value);
  }
  return { payloads, notices, source };
}
