import { Jimp, loadFont } from "jimp";
import { SANS_16_BLACK, SANS_32_BLACK, SANS_64_BLACK } from "jimp/fonts";
import QRCode from "qrcode";
import { type Cents, formatCents } from "../../src/notice/money.ts";
import { formatNoticeNumber } from "../../src/notice/notice-number.ts";

/** What a sample notice prints: a sandbox test notice, as a payee would issue it. */
export interface SampleNoticeData {
  readonly payeeName: string;
  readonly payeeFiscalCode: string;
  readonly noticeNumber: string;
  readonly amountCents: Cents;
  readonly description: string;
}

/** The QR text pagoPA prints on the payment slip: `PAGOPA|002|<notice>|<payee>|<cents>`. */
export function qrPayloadOf(notice: SampleNoticeData): string {
  return `PAGOPA|002|${notice.noticeNumber}|${notice.payeeFiscalCode}|${notice.amountCents}`;
}

type Image = InstanceType<typeof Jimp>;
type Font = Awaited<ReturnType<typeof loadFont>>;

// A4 at 150 dpi: large enough that a phone photographing the screen still resolves the QR's modules.
const WIDTH = 1240;
const HEIGHT = 1754;
const MARGIN = 90;
const INK = 0x1a1a1aff;
const RULE = 0x0066ccff;
const SLIP = 0xf2f6faff;

let fonts: Promise<{ small: Font; body: Font; large: Font }> | undefined;

// Loaded once per process: parsing a bitmap font is the slowest part of a render.
function loadFonts(): Promise<{ small: Font; body: Font; large: Font }> {
  fonts ??= Promise.all([loadFont(SANS_16_BLACK), loadFont(SANS_32_BLACK), loadFont(SANS_64_BLACK)]).then(
    ([small, body, large]) => ({ small, body, large }),
  );
  return fonts;
}

/**
 * Renders an A4 payment notice as PNG: payee, subject, amount, notice number, and a payment slip whose QR code
 * carries the real pagoPA payload, so the scanner (or a phone pointed at the screen) reads it like paper.
 */
export async function renderSampleNotice(notice: SampleNoticeData): Promise<Buffer> {
  const { small, body, large } = await loadFonts();
  const image = new Jimp({ width: WIDTH, height: HEIGHT, color: 0xffffffff });
  const amount = formatCents(notice.amountCents, "it");
  const number = formatNoticeNumber(notice.noticeNumber);
  const text = (font: Font, x: number, y: number, value: string, maxWidth = WIDTH - x - MARGIN) =>
    image.print({ font, x, y, text: printable(value), maxWidth });

  text(large, MARGIN, 80, "AVVISO DI PAGAMENTO");
  text(body, MARGIN, 170, "pagoPA - esempio del sandbox di pagobot");
  fillRect(image, MARGIN, 230, WIDTH - 2 * MARGIN, 6, RULE);

  text(small, MARGIN, 280, "ENTE CREDITORE");
  text(body, MARGIN, 305, notice.payeeName);
  text(small, MARGIN, 360, `Codice fiscale ente: ${notice.payeeFiscalCode}`);
  text(small, MARGIN, 420, "OGGETTO DEL PAGAMENTO");
  text(body, MARGIN, 445, notice.description);

  text(small, MARGIN, 560, "IMPORTO");
  text(large, MARGIN, 585, amount);
  text(small, 680, 560, "CODICE AVVISO");
  text(body, 680, 600, number);
  text(small, MARGIN, 700, "Puoi pagare con la app della tua banca, presso gli sportelli o con pagobot.");

  // The payment slip ("bollettino"): QR on the left, the same data on the right, as on real notices.
  const slipTop = 1060;
  fillRect(image, MARGIN, slipTop, WIDTH - 2 * MARGIN, 520, SLIP);
  fillRect(image, MARGIN, slipTop, WIDTH - 2 * MARGIN, 4, RULE);
  text(small, MARGIN + 30, slipTop + 25, "BANCHE E ALTRI CANALI - Inquadra il codice QR");
  drawQr(image, qrPayloadOf(notice), MARGIN + 30, slipTop + 70, 10);
  const right = MARGIN + 480;
  text(small, right, slipTop + 80, "Ente creditore");
  text(body, right, slipTop + 100, notice.payeeName);
  text(small, right, slipTop + 170, "Codice avviso");
  text(body, right, slipTop + 190, number);
  text(small, right, slipTop + 260, "Cod. fiscale ente");
  text(body, right, slipTop + 280, notice.payeeFiscalCode);
  text(small, right, slipTop + 350, "Importo");
  text(body, right, slipTop + 370, amount);

  text(small, MARGIN, HEIGHT - 110, "Avviso di prova: paga solo nel sandbox di pagobot, nessun denaro reale si muove.");
  return image.getBuffer("image/png");
}

/** Draws `payload` as a QR code (ECC M, as pagoPA prints it) with a four-module quiet zone. */
function drawQr(image: Image, payload: string, left: number, top: number, modulePx: number): void {
  const { modules } = QRCode.create(payload, { errorCorrectionLevel: "M" });
  const quiet = 4 * modulePx;
  const side = modules.size * modulePx + 2 * quiet;
  fillRect(image, left, top, side, side, 0xffffffff);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (modules.data[row * modules.size + col] === 1) {
        fillRect(image, left + quiet + col * modulePx, top + quiet + row * modulePx, modulePx, modulePx, INK);
      }
    }
  }
}

// Writes straight into the RGBA bitmap: jimp's per-pixel helpers are slow for large areas.
function fillRect(image: Image, x: number, y: number, width: number, height: number, rgba: number): void {
  const { data, width: imageWidth } = image.bitmap;
  const bytes = [(rgba >>> 24) & 0xff, (rgba >>> 16) & 0xff, (rgba >>> 8) & 0xff, rgba & 0xff];
  for (let row = y; row < y + height; row++) {
    for (let col = x; col < x + width; col++) {
      const at = (row * imageWidth + col) * 4;
      data[at] = bytes[0] ?? 0;
      data[at + 1] = bytes[1] ?? 0;
      data[at + 2] = bytes[2] ?? 0;
      data[at + 3] = bytes[3] ?? 0;
    }
  }
}

/**
 * Keeps what jimp's bundled Open Sans bitmap fonts can draw (Latin-1 and €): Intl's no-break spaces become plain
 * spaces, anything else unknown becomes "?" rather than silently vanishing.
 */
export function printable(text: string): string {
  return text.replace(/[\u00a0\u202f]/g, " ").replace(/[^\u0020-\u005f\u0061-\u007e\u00a1-\u00ff\u20ac]/g, "?");
}
