import { Jimp } from "jimp";
import jsQRModule from "jsqr";

// jsqr ships a CommonJS bundle typed as an ES default export: under NodeNext the types see the module
// namespace, while at run time the default import is the function itself (which also carries .default).
const jsQR = (jsQRModule as unknown as { default: typeof jsQRModule.default }).default;

/** Reads the first QR code in an encoded image with jimp and jsqr (the scanner's own libraries). */
export async function readQr(encoded: Buffer): Promise<string | undefined> {
  const image = await Jimp.read(encoded);
  const { data, width, height } = image.bitmap;
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width, height)?.data;
}
