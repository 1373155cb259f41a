import { Jimp } from "jimp";
import { describe, expect, it } from "vitest";
import { printable, qrPayloadOf, renderSampleNotice } from "../../../adapters/playground/sample-notice.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import type { Cents } from "../../../src/notice/money.ts";
import { parseQrPayload } from "../../../src/notice/qr-payload.ts";
import { createScanner } from "../../../src/scanner/index.ts";
import { readQr } from "./read-qr.ts";

const notice = {
  payeeName: "Comune di Bologna",
  payeeFiscalCode: "01232710374",
  noticeNumber: "302016723749670000",
  amountCents: 103069 as Cents,
  description: "TARI 2026 - rata unica",
};

describe("sample notice image", () => {
  it("is an A4-shaped PNG whose QR code carries the notice's pagoPA payload", async () => {
    const png = await renderSampleNotice(notice);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    const image = await Jimp.read(png);
    expect(image.bitmap.height / image.bitmap.width).toBeCloseTo(297 / 210, 2);
    const payload = await readQr(png);
    expect(payload).toBe("PAGOPA|002|302016723749670000|01232710374|103069");
    const parsed = parseQrPayload(payload ?? "");
    expect(parsed.ok && parsed.value).toMatchObject({ fiscalCode: "01232710374", amountCents: 103069 });
  });

  it("still reads after the screen is photographed small: scaled to a third and blurred", async () => {
    const image = await Jimp.read(await renderSampleNotice({ ...notice, amountCents: 5 as Cents }));
    image.resize({ w: Math.round(image.bitmap.width / 3) }).blur(1);
    expect(await readQr(await image.getBuffer("image/png"))).toBe(qrPayloadOf({ ...notice, amountCents: 5 as Cents }));
  });

  it("is read by pagobot's own scanner, as the engine will read it when it arrives in the chat", async () => {
    const scanner = createScanner({ logger: silentLogger, workers: 0 });
    try {
      const result = await scanner.scan(new Uint8Array(await renderSampleNotice(notice)), { mimeType: "image/png" });
      expect(result.payloads).toEqual([qrPayloadOf(notice)]);
      expect(result.notices[0]).toMatchObject({ noticeNumber: "302016723749670000", amountCents: 103069 });
    } finally {
      await scanner.close();
    }
  });

  it("prints what the bitmap font has, and marks the rest instead of dropping it", () => {
    expect(printable("1.030,69\u00a0€ perché")).toBe("1.030,69 € perché");
    expect(printable("Łódź ✓")).toBe("?ód? ?");
  });
});
