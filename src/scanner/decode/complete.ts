/**
 * Whether a JPEG or PNG runs to its end marker. jpeg-js decodes a JPEG cut short without complaint (the
 * missing rows come out grey), so a truncated upload is caught here instead, as `corrupt_file`.
 */
export function looksComplete(type: string, b: Uint8Array): boolean {
  if (type === "png") return lastIndexOf(b, [0x49, 0x45, 0x4e, 0x44], Math.max(0, b.length - 4096)) >= 0;
  if (type !== "jpeg") return true;
  // The end-of-image marker follows the entropy-coded data of the (last) scan. Inside scan data a 0xFF byte
  // is always followed by 0x00 or a restart marker, so FF D9 after the first scan header is the real end
  // (an EXIF thumbnail's own FF D9 comes before it; phones may append data after it).
  const scan = indexOf(b, [0xff, 0xda], 2);
  return scan >= 0 && indexOf(b, [0xff, 0xd9], scan + 2) >= 0;
}

function indexOf(b: Uint8Array, pattern: readonly number[], from: number): number {
  outer: for (let i = from; i + pattern.length <= b.length; i++) {
    for (let k = 0; k < pattern.length; k++) if (b[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}

function lastIndexOf(b: Uint8Array, pattern: readonly number[], from: number): number {
  outer: for (let i = b.length - pattern.length; i >= from; i--) {
    for (let k = 0; k < pattern.length; k++) if (b[i + k] !== pattern[k]) continue outer;
    return i;
  }
  return -1;
}
