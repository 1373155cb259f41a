import { createRequire } from "node:module";
import type { BinaryBitmap, DataMatrixReader, HybridBinarizer, RGBLuminanceSource } from "@zxing/library";
import { cropLuma, type Luma } from "../image/luma.ts";
import { boxReduce, scaleLuma } from "../image/resample.ts";
import { type CodePatch, findCodePatches } from "./datamatrix-find.ts";
import type { Deadline } from "./deadline.ts";

const require = createRequire(import.meta.url);

/** The few ZXing classes a Data Matrix read needs (the library's index would load every format: 400 ms, 15 MB). */
interface Zxing {
  readonly Reader: typeof DataMatrixReader;
  readonly Bitmap: typeof BinaryBitmap;
  readonly Binarizer: typeof HybridBinarizer;
  readonly Source: typeof RGBLuminanceSource;
}

let zxing: Zxing | undefined;

function loadZxing(): Zxing {
  const from = (path: string) => (require(`@zxing/library/cjs/core/${path}.js`) as { default: unknown }).default;
  zxing ??= {
    Reader: from("datamatrix/DataMatrixReader") as typeof DataMatrixReader,
    Bitmap: from("BinaryBitmap") as typeof BinaryBitmap,
    Binarizer: from("common/HybridBinarizer") as typeof HybridBinarizer,
    Source: from("RGBLuminanceSource") as typeof RGBLuminanceSource,
  };
  return zxing;
}

// Patches are found on a plane of about this long side: texture, not modules, tells a code there.
const PLANE_LONG_SIDE = 1000;
// Patches tried per picture, largest first (each read is 10–40 ms).
const MAX_PATCHES = 6;
// A Poste Data Matrix is 40–64 modules a side; a crop is scaled so that a module is about this many pixels
// (ZXing samples one point per module: under 2 px it lands on edges), and never beyond MAX_SIDE.
const MODULES_GUESS = 52;
const MODULE_PX = 3.5;
const MAX_SIDE = 700;

/**
 * Reads the Data Matrix codes that `wanted` accepts (the Poste slip's, `codfase=NBPA;…`), for a notice whose
 * QR code could not be read. The QR search's finder patterns do not fit a Data Matrix (an L of two solid
 * edges), so patches that look like a 2D code are found first (datamatrix-find.ts); each is cut from the
 * full-resolution plane with a margin and handed to ZXing's Data Matrix reader, whose Reed–Solomon decoding
 * refuses a wrong read, and the text must still pass the Poste parser. Stops at the deadline.
 */
export function readDataMatrices(source: Luma, deadline: Deadline, wanted: (text: string) => boolean): string[] {
  const reduce = Math.max(1, Math.round(Math.max(source.width, source.height) / PLANE_LONG_SIDE));
  const plane = boxReduce(source, reduce);
  // Looked for at two scales: modules of 1–2 px on the plane give a block its texture, but bigger ones
  // (a close-up, a scan) make a block one or two modules, so the plane halved is looked at as well.
  const half = boxReduce(plane, 2);
  const patches = [
    ...findCodePatches(plane, MAX_PATCHES).map((p) => inSource(p, source.width / plane.width)),
    ...findCodePatches(half, MAX_PATCHES).map((p) => inSource(p, source.width / half.width)),
  ];
  const texts: string[] = [];
  for (const patch of distinct(patches).slice(0, MAX_PATCHES)) {
    if (deadline.passed()) break;
    const margin = Math.max(patch.width, patch.height) * 0.25;
    const crop = cropLuma(
      source,
      patch.x - margin,
      patch.y - margin,
      patch.width + 2 * margin,
      patch.height + 2 * margin,
    );
    const module = Math.max(patch.width, patch.height) / MODULES_GUESS;
    let factor = MODULE_PX / module;
    const side = Math.max(crop.width, crop.height) * factor;
    if (side > MAX_SIDE) factor *= MAX_SIDE / side;
    const text = readDataMatrix(factor < 0.95 || factor > 1.05 ? scaleLuma(crop, factor, "cubic") : crop);
    if (text !== null && wanted(text) && !texts.includes(text)) texts.push(text);
  }
  return texts;
}

function inSource(p: CodePatch, scale: number): CodePatch {
  return { x: p.x * scale, y: p.y * scale, width: p.width * scale, height: p.height * scale, blocks: p.blocks };
}

/** Largest first, each place once: a patch whose centre lies in a bigger one already listed is left out. */
function distinct(patches: readonly CodePatch[]): CodePatch[] {
  const area = (p: CodePatch) => p.width * p.height;
  const kept: CodePatch[] = [];
  for (const p of [...patches].sort((a, b) => area(b) - area(a))) {
    const cx = p.x + p.width / 2;
    const cy = p.y + p.height / 2;
    if (!kept.some((k) => cx > k.x && cx < k.x + k.width && cy > k.y && cy < k.y + k.height)) kept.push(p);
  }
  return kept;
}

/** ZXing's Data Matrix reader on one plane (the code should fill much of it); null when it reads nothing. */
export function readDataMatrix(image: Luma): string | null {
  const z = loadZxing();
  const source = new z.Source(
    new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length),
    image.width,
    image.height,
  );
  try {
    return new z.Reader().decode(new z.Bitmap(new z.Binarizer(source))).getText();
  } catch {
    // ZXing reports "not found", "checksum" and "format" failures as exceptions: all mean no read here.
    return null;
  }
}
