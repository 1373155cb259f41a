import { Jimp, loadFont } from "jimp";
import { SANS_32_BLACK } from "jimp/fonts";

/** A white page with printed lines, as a PNG: what a screenshot of a notice's first half looks like to OCR. */
export async function printedPicture(lines: readonly string[]): Promise<Uint8Array> {
  const font = await loadFont(SANS_32_BLACK);
  const page = new Jimp({ width: 900, height: 80 + lines.length * 60, color: 0xffffffff });
  lines.forEach((text, i) => {
    page.print({ font, x: 40, y: 40 + i * 60, text });
  });
  return new Uint8Array(await page.getBuffer("image/png"));
}
