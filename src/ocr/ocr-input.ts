/**
 * Which files Tesseract is given: pictures only (a PDF's text is read by the scanner itself), not empty, and not
 * so large that reading them takes several seconds (a 12 MP photo). Checked before a file is sent to a thread, so
 * a PDF or a huge photo never takes a worker for nothing.
 */

/** Images larger than this are not read. */
export const ocrMaxBytes = 8 * 1024 * 1024;

const isPdf = (bytes: Uint8Array) => bytes[0] === 0x25 && bytes[1] === 0x50 && bytes[2] === 0x44 && bytes[3] === 0x46;

export function worthReading(image: Uint8Array, maxBytes: number = ocrMaxBytes): boolean {
  return image.byteLength > 0 && image.byteLength <= maxBytes && !isPdf(image);
}
