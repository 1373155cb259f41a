import { ScanError } from "../errors.ts";
import { createLuma, type Luma, lumaFromRgba } from "../image/luma.ts";
import { limits } from "../limits.ts";

/** What a PDF offers the scanner: the images on its pages (largest first) and its text, page by page. */
export interface PdfContent {
  readonly images: Luma[];
  readonly pageTexts: string[];
}

// Images smaller than this cannot hold a readable QR code (21 modules at ≥ 2 px, plus quiet zone).
const MIN_IMAGE_SIDE = 48;
const MAX_IMAGES = 24;
// All page images together, in pixels: a PDF may hold many large scans, and each costs a byte a pixel here.
const MAX_TOTAL_PIXELS = limits.maxPixels;

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjsLoaded: Promise<PdfJs> | undefined;

/**
 * Opens a PDF with pdf.js, without a canvas: the page images come from the operator list (pdf.js decodes
 * them itself), and the text from the text layer. Refuses encrypted PDFs that need a password and PDFs over
 * the page limit before reading any page.
 */
export async function readPdf(bytes: Uint8Array): Promise<PdfContent> {
  pdfjsLoaded ??= import("pdfjs-dist/legacy/build/pdf.mjs");
  const pdfjs = await pdfjsLoaded;
  const task = pdfjs.getDocument({
    // pdf.js may take ownership of the array it is given: hand it a copy (a Buffer's slice() is a view).
    data: Uint8Array.from(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    isOffscreenCanvasSupported: false,
    isImageDecoderSupported: false,
    maxImageSize: limits.maxPixels,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy();
    const name = (error as { name?: string }).name;
    if (name === "PasswordException") throw new ScanError("pdf_encrypted", "the PDF is protected by a password");
    throw new ScanError("corrupt_file", "the PDF could not be read", { cause: error });
  }
  try {
    if (doc.numPages > limits.maxPdfPages) {
      throw new ScanError("pdf_too_many_pages", `the PDF has ${doc.numPages} pages (at most ${limits.maxPdfPages})`);
    }
    const images: Luma[] = [];
    const pageTexts: string[] = [];
    let pixels = 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const text = await page.getTextContent();
      pageTexts.push(text.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : " ") : "")).join(""));
      const ops = await page.getOperatorList();
      for (let i = 0; i < ops.fnArray.length && images.length < MAX_IMAGES; i++) {
        const fn = ops.fnArray[i];
        const args = ops.argsArray[i] as unknown[];
        let image: PdfImage | undefined;
        if (fn === pdfjs.OPS.paintImageXObject || fn === pdfjs.OPS.paintImageXObjectRepeat) {
          image = await objectOf(page, args[0] as string);
        } else if (fn === pdfjs.OPS.paintInlineImageXObject) {
          image = args[0] as PdfImage;
        }
        if (image === undefined || pixels + image.width * image.height > MAX_TOTAL_PIXELS) continue;
        const luma = lumaOf(image);
        if (luma !== null) {
          images.push(luma);
          pixels += luma.width * luma.height;
        }
      }
      page.cleanup();
    }
    images.sort((a, b) => b.width * b.height - a.width * a.height);
    return { images, pageTexts };
  } catch (error) {
    if (error instanceof ScanError) throw error;
    throw new ScanError("corrupt_file", "the PDF could not be read", { cause: error });
  } finally {
    await doc.destroy();
  }
}

/** A decoded image as pdf.js hands it over (`kind`: 1 = 1 bit grey, 2 = RGB, 3 = RGBA). */
interface PdfImage {
  readonly width: number;
  readonly height: number;
  readonly kind?: number;
  readonly data?: Uint8Array | Uint8ClampedArray;
}

function objectOf(page: { objs: { get(id: string, callback: (data: unknown) => void): void } }, id: string) {
  // Image objects are resolved by the time the operator list is; the callback form waits if not.
  const common = id.startsWith("g_");
  const store = common ? (page as unknown as { commonObjs: typeof page.objs }).commonObjs : page.objs;
  return new Promise<PdfImage | undefined>((resolve) => store.get(id, (data) => resolve(data as PdfImage)));
}

function lumaOf(image: PdfImage): Luma | null {
  const { width, height, kind, data } = image;
  if (data === undefined || width < MIN_IMAGE_SIDE || height < MIN_IMAGE_SIDE) return null;
  if (kind === 3) return lumaFromRgba(data, width, height);
  const out = createLuma(width, height);
  if (kind === 2) {
    for (let i = 0, j = 0; i < out.data.length; i++, j += 3) {
      out.data[i] = ((data[j] as number) * 54 + (data[j + 1] as number) * 183 + (data[j + 2] as number) * 19) >> 8;
    }
    return out;
  }
  if (kind === 1) {
    // Packed bits, rows padded to whole bytes; a set bit is white.
    const stride = Math.ceil(width / 8);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const bit = ((data[y * stride + (x >> 3)] as number) >> (7 - (x & 7))) & 1;
        out.data[y * width + x] = bit === 1 ? 255 : 0;
      }
    }
    return out;
  }
  return null;
}
