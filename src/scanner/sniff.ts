import { ScanError } from "./errors.ts";

export type FileType = "jpeg" | "png" | "gif" | "bmp" | "tiff" | "webp" | "heic" | "pdf";

/** What a file's first bytes say it is, and for images the size its header declares. */
export interface Sniffed {
  readonly type: FileType;
  readonly width?: number;
  readonly height?: number;
}

const mimeTypes: Record<FileType, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  bmp: "image/bmp",
  tiff: "image/tiff",
  webp: "image/webp",
  heic: "image/heic",
  pdf: "application/pdf",
};

export function mimeTypeOf(type: FileType): string {
  return mimeTypes[type];
}

/**
 * Identifies a file by its content (never by its name or the MIME type a chat claims) and reads the image
 * dimensions from its header, so a decompression bomb is refused before a byte of it is decoded.
 * Throws `unsupported_type` for what is not an image or PDF, `corrupt_file` for a header cut short.
 */
export function sniff(bytes: Uint8Array): Sniffed {
  const type = typeOf(bytes);
  if (type === null) throw new ScanError("unsupported_type", "not an image or PDF this scanner reads");
  if (type === "pdf") return { type };
  const size = dimensions(type, bytes);
  if (size === null || size.width <= 0 || size.height <= 0) {
    throw new ScanError("corrupt_file", `the ${type.toUpperCase()} header is cut short or invalid`);
  }
  return { type, ...size };
}

function typeOf(b: Uint8Array): FileType | null {
  const at = (offset: number, text: string) => ascii(b, offset, text.length) === text;
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (at(0, "\x89PNG\r\n\x1a\n")) return "png";
  if (at(0, "GIF87a") || at(0, "GIF89a")) return "gif";
  if (at(0, "BM") && b.length >= 26) return "bmp";
  if (at(0, "II*\0") || at(0, "MM\0*")) return "tiff";
  if (at(0, "RIFF") && at(8, "WEBP")) return "webp";
  if (at(4, "ftyp") && /^(heic|heix|heim|heis|hevc|hevx|mif1|msf1|avif)$/.test(ascii(b, 8, 4))) {
    return ascii(b, 8, 4) === "avif" ? null : "heic";
  }
  // A PDF may have a few bytes of junk before its header; readers accept it within the first kilobyte.
  const head = ascii(b, 0, Math.min(b.length, 1024));
  if (head.includes("%PDF-")) return "pdf";
  return null;
}

function dimensions(type: FileType, b: Uint8Array): { width: number; height: number } | null {
  switch (type) {
    case "jpeg":
      return jpegSize(b);
    case "png":
      return b.length >= 24 && ascii(b, 12, 4) === "IHDR" ? { width: u32be(b, 16), height: u32be(b, 20) } : null;
    case "gif":
      return b.length >= 10 ? { width: u16le(b, 6), height: u16le(b, 8) } : null;
    case "bmp":
      return b.length >= 26 ? { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) } : null;
    case "tiff":
      return tiffSize(b);
    case "webp":
      return webpSize(b);
    case "heic":
      return heicSize(b);
    default:
      return null;
  }
}

/** Walks the JPEG markers to the frame header (SOFn) and reads its height and width. */
function jpegSize(b: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1] as number;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      i += 2;
      continue;
    }
    const length = u16be(b, i + 2);
    if (length < 2) return null;
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) {
      if (i + 9 > b.length) return null;
      return { height: u16be(b, i + 5), width: u16be(b, i + 7) };
    }
    if (marker === 0xda || marker === 0xd9) return null; // scan data or end before any frame header
    i += 2 + length;
  }
  return null;
}

function tiffSize(b: Uint8Array): { width: number; height: number } | null {
  const little = b[0] === 0x49;
  const u16 = (o: number) => (little ? u16le(b, o) : u16be(b, o));
  const u32 = (o: number) => (little ? u32le(b, o) : u32be(b, o));
  if (b.length < 8) return null;
  const ifd = u32(4);
  if (ifd + 2 > b.length) return null;
  const count = u16(ifd);
  let width = 0;
  let height = 0;
  for (let e = 0; e < count; e++) {
    const o = ifd + 2 + e * 12;
    if (o + 12 > b.length) return null;
    const tag = u16(o);
    const kind = u16(o + 2);
    const value = kind === 3 ? u16(o + 8) : u32(o + 8);
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return width > 0 && height > 0 ? { width, height } : null;
}

function webpSize(b: Uint8Array): { width: number; height: number } | null {
  if (b.length < 30) return null;
  const chunk = ascii(b, 12, 4);
  if (chunk === "VP8 ") return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  if (chunk === "VP8L") {
    const bits = u32le(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === "VP8X") {
    const w = (b[24] as number) | ((b[25] as number) << 8) | ((b[26] as number) << 16);
    const h = (b[27] as number) | ((b[28] as number) << 8) | ((b[29] as number) << 16);
    return { width: w + 1, height: h + 1 };
  }
  return null;
}

/** HEIF keeps each image's size in an `ispe` property box; the largest is the picture (others are tiles). */
function heicSize(b: Uint8Array): { width: number; height: number } | null {
  let best: { width: number; height: number } | null = null;
  const end = Math.min(b.length, 1 << 20) - 16;
  for (let i = 0; i < end; i++) {
    if (b[i] === 0x69 && b[i + 1] === 0x73 && b[i + 2] === 0x70 && b[i + 3] === 0x65) {
      const width = u32be(b, i + 8);
      const height = u32be(b, i + 12);
      if (best === null || width * height > best.width * best.height) best = { width, height };
    }
  }
  return best;
}

function ascii(b: Uint8Array, offset: number, length: number): string {
  let s = "";
  for (let i = offset; i < offset + length && i < b.length; i++) s += String.fromCharCode(b[i] as number);
  return s;
}

const u16be = (b: Uint8Array, o: number) => (((b[o] as number) << 8) | (b[o + 1] as number)) >>> 0;
const u16le = (b: Uint8Array, o: number) => (((b[o + 1] as number) << 8) | (b[o] as number)) >>> 0;
const u32be = (b: Uint8Array, o: number) =>
  (((b[o] as number) << 24) | ((b[o + 1] as number) << 16) | ((b[o + 2] as number) << 8) | (b[o + 3] as number)) >>> 0;
const u32le = (b: Uint8Array, o: number) =>
  (((b[o + 3] as number) << 24) | ((b[o + 2] as number) << 16) | ((b[o + 1] as number) << 8) | (b[o] as number)) >>> 0;
const i32le = (b: Uint8Array, o: number) => u32le(b, o) | 0;
