import { Jimp } from "jimp";
import jsQR from "jsqr";
import type { NoticeScanner } from "../engine/scanner-port.ts";
import { ScanFailure } from "../engine/scanner-port.ts";
import type { PaymentNotice } from "../notice/notice.ts";
import { looksLikePagoPaQr, parseQrPayload } from "../notice/qr-payload.ts";

/**
 * A stand-in until src/scanner (issue 3) lands: jimp decodes the image and jsqr reads one code from the whole
 * bitmap. It reads clean screenshots and close-ups only; the real scanner replaces it in app.ts.
 */
export function createInterimScanner(): NoticeScanner {
  const maxFileBytes = 20 * 1024 * 1024;
  return {
    maxFileBytes,
    async scan(bytes, options) {
      if (options.mimeType === "application/pdf") throw new ScanFailure("unsupported_type", "PDF needs the scanner");
      let image: Awaited<ReturnType<typeof Jimp.read>>;
      try {
        image = await Jimp.read(Buffer.from(bytes));
      } catch (cause) {
        throw new ScanFailure("corrupt_file", "not an image jimp can read", { cause });
      }
      const { data, width, height } = image.bitmap;
      // jsqr is CommonJS: its function is module.exports and its own `.default`, which is what the types see.
      const code = jsQR.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength), width, height);
      const notices: PaymentNotice[] = [];
      if (code !== null && looksLikePagoPaQr(code.data)) {
        const parsed = parseQrPayload(code.data);
        if (parsed.ok) notices.push(parsed.value);
      }
      return { notices };
    },
  };
}
