import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";
import { type Harness, memoryFile, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

const fixtures = join(import.meta.dirname, "..", "fixtures", "scanner");

interface LogLine {
  readonly msg: string;
  readonly requestId?: string;
  readonly paymentId?: string;
  readonly [field: string]: unknown;
}

/** pagobot's JSON log, as written, one object per line. */
function capturedLog() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  return {
    logger: createLogger({ level: "info", destination: stream }),
    lines: (): LogLine[] =>
      text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => JSON.parse(line) as LogLine),
  };
}

describe("a request id from the notice's photo to its PAID", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("is on every log line about the payment (event, scan, form, disposition, webhook, PAID), one per payment", async () => {
    const log = capturedLog();
    h = await startHarness({ logger: log.logger, scannerWorkers: 1 });
    const photo = memoryFile(new Uint8Array(readFileSync(join(fixtures, "dev-0023.jpg"))), "image/jpeg", "avviso.jpg");
    await h.files([photo], undefined, "photo-chat");
    await h.see(/Avviso pagoPA/, "photo-chat", 20_000);
    await h.press(/^Paga /, undefined, "photo-chat");
    await h.see(/✅ Pagato/, "photo-chat");
    // A second notice, typed in another chat, paid too.
    await h.send(testNotice("paid").qrText, undefined, "text-chat");
    await h.see(/Avviso pagoPA/, "text-chat");
    await h.press(/^Paga /, undefined, "text-chat");
    await h.see(/✅ Pagato/, "text-chat");
    await h.settle();

    const lines = log.lines();
    const paymentIds = [...new Set(lines.map((l) => l.paymentId).filter((id) => id !== undefined))];
    expect(paymentIds).toHaveLength(2);
    const requestOf = (paymentId: string) => {
      const about = lines.filter((l) => l.paymentId === paymentId);
      // Every line about the payment carries one and the same request id.
      const ids = [...new Set(about.map((l) => l.requestId))];
      expect(ids).toHaveLength(1);
      expect(ids[0]).toMatch(/^[a-z0-9]{8,}$/);
      return { requestId: ids[0] as string, about };
    };
    const [photoPayment, textPayment] = paymentIds.map((id) => requestOf(id as string));
    expect(photoPayment?.requestId).not.toBe(textPayment?.requestId);

    const steps = (requestId: string) => lines.filter((l) => l.requestId === requestId).map((l) => l.msg);
    const photoSteps = steps(photoPayment?.requestId ?? "");
    // The event that brought the photo and its scan, before the payment existed, carry it too.
    expect(photoSteps.slice(0, 3)).toEqual(["event accepted", "file scanned", "payment opened"]);
    for (const step of ["form created", "disposition sent", "status applied", "delivered"])
      expect(photoSteps).toContain(step);
    expect(lines.some((l) => l.requestId === photoPayment?.requestId && l.trigger === "webhook")).toBe(true);
    expect(
      lines.some((l) => l.requestId === photoPayment?.requestId && l.msg === "status applied" && l.status === "PAID"),
    ).toBe(true);
    const textSteps = steps(textPayment?.requestId ?? "");
    expect(textSteps.slice(0, 2)).toEqual(["event accepted", "payment opened"]);
  }, 60_000);
});
