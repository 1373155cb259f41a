import { Jimp } from "jimp";
import jsQR from "jsqr";

/** Reads the first QR code in an encoded image with jimp and jsqr (the scanner's own libraries). */
export async function readQr(encoded: Buffer): Promise<string | undefined> {
  const image = await Jimp.read(encoded);
  const { data, width, height } = image.bitmap;
  // jsqr is CommonJS: its function is module.exports and its own `.default`, which is what the types see.
  return jsQR.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height)?.data;
}
