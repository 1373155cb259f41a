import { createLuma, type Luma } from "../image/luma.ts";

/** One decoded component as pdf.js's JpegImage keeps it after `parse` (an internal shape, checked before use). */
interface BlockComponent {
  readonly output: ArrayLike<number>;
  readonly scaleX: number;
  readonly scaleY: number;
  readonly blocksPerLine: number;
}

function isBlockComponent(value: unknown): value is BlockComponent {
  const c = value as Partial<BlockComponent> | null;
  return (
    typeof c === "object" &&
    c !== null &&
    ArrayBuffer.isView(c.output) &&
    typeof c.scaleX === "number" &&
    typeof c.scaleY === "number" &&
    typeof c.blocksPerLine === "number"
  );
}

/**
 * The luminance (Y) plane straight from pdf.js's decoded blocks, without `getData`'s interleaved copy of all
 * three components: on a 12 MP photo that copy is 36 MB and about 40 % of the decoding time, and only Y is
 * wanted. The blocks are read the way pdf.js's own linearisation reads them (rows of 8×8 blocks, one block
 * column of padding per line). Returns null when the decoder's internals do not have the shape this expects
 * (another pdf.js version), so that the caller uses `getData`.
 */
export function yPlaneFromBlocks(components: unknown, width: number, height: number): Luma | null {
  if (!Array.isArray(components)) return null;
  const y = components[0] as unknown;
  // Y at full resolution: its sampling factor is the frame's largest (as in every camera JPEG).
  if (!isBlockComponent(y) || y.scaleX !== 1 || y.scaleY !== 1) return null;
  const { output, blocksPerLine } = y;
  const perScanline = (blocksPerLine + 1) << 3;
  if (output.length < perScanline * (((height + 7) >> 3) << 3)) return null;
  const out = createLuma(width, height);
  const dst = out.data;
  const column = new Uint32Array(width);
  for (let x = 0; x < width; x++) column[x] = ((x & ~7) << 3) | (x & 7);
  for (let row = 0; row < height; row++) {
    const base = perScanline * (row & ~7) + ((row & 7) << 3);
    const at = row * width;
    for (let x = 0; x < width; x++) dst[at + x] = output[base + (column[x] as number)] as number;
  }
  return out;
}
