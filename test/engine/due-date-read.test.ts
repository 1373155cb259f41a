import { Jimp, loadFont } from "jimp";
import { SANS_32_BLACK } from "jimp/fonts";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { type SandboxHandle, startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { DueDateReader } from "../../src/engine/due-date-port.ts";
import type { ChatRef, Sender } from "../../src/engine/events.ts";
import type { NoticeScanner } from "../../src/engine/scanner-port.ts";
import { romeInstant } from "../../src/family/rome-time.ts";
import { addDays, formatDay, italianDay } from "../../src/i18n/format.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { type Harness, memoryFile, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";
import { scannerFinding } from "../helpers/stand-in-scanners.ts";

/**
 * A household photo's printed due date: read after the card is shown (never delaying it), put on the card as read
 * from the notice, and its reminders set — unless the notice already has a date.
 */
const paid = testNotice("paid");
const anna: Sender = { userId: "u-anna", name: "Anna", locale: "it" };
const marco: Sender = { userId: "u-marco", name: "Marco", locale: "it" };
const group: ChatRef = { platform: "playground", chatId: "famiglia", kind: "group" };
const DAY = 24 * 60 * 60_000;

/** The scanner finds the paid test notice on any picture (the picture itself is for the due-date reader). */
const finds = scannerFinding(paid.qrText);

async function printed(text: string): Promise<Uint8Array> {
  const font = await loadFont(SANS_32_BLACK);
  const page = new Jimp({ width: 900, height: 160, color: 0xffffffff });
  page.print({ font, x: 40, y: 60, text });
  return new Uint8Array(await page.getBuffer("image/png"));
}

describe("a household photo's due date, read from the picture", () => {
  let sandbox: SandboxHandle;
  const running: Harness[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
    for (const close of closers.splice(0)) await close();
    await sandbox.close();
  });
  let n = 0;
  /** `scanner` null: pagobot's own scanner reads the file (a real PDF). */
  const start = async (dueDates: DueDateReader | undefined, scanner: NoticeScanner | null = finds) => {
    const clock = createManualClock(Date.now());
    sandbox = await startSandbox({ clock, timing: { settleMs: 30, promisedMs: 30, slowMs: 300 } });
    const h = await startHarness({
      sandbox,
      clock,
      ...(scanner === null ? {} : { scanner }),
      ...(dueDates === undefined ? {} : { dueDates }),
      timing: { staleCardMs: 60 * DAY },
    });
    running.push(h);
    const send = (
      from: Sender,
      event: { type: "text"; text: string } | { type: "files"; bytes: Uint8Array; mimeType?: string },
    ) =>
      h.app.engine.handle(
        event.type === "text"
          ? { type: "text", chat: group, from, text: event.text, eventId: `d${++n}` }
          : {
              type: "files",
              chat: group,
              from,
              files: [memoryFile(event.bytes, event.mimeType ?? "image/png")],
              eventId: `d${++n}`,
            },
      );
    await h.app.engine.handle({
      type: "command",
      chat: group,
      from: anna,
      name: "family",
      args: "",
      eventId: `d${++n}`,
    });
    await send(marco, { type: "text", text: "ciao" });
    await h.app.engine.drain();
    return { h, clock, send };
  };
  const dueShown = (h: Harness) => h.port.lastCard(group.chatId)?.view.fields.find((f) => f.label === "Scadenza");

  it("puts the date on the card as read from the notice and sets the reminders (Tesseract on the picture)", async () => {
    // Read as the app reads it: by Tesseract in the scanner's worker threads.
    const threads = createScanner({ logger: silentLogger, workers: 1, dueDateTimeoutMs: 50_000 });
    closers.push(() => threads.close());
    const { h, clock, send } = await start({ read: (image, today) => threads.readDueDate(image, today) });
    const due = addDays(italianDay(clock.now()), 30);
    await send(marco, { type: "files", bytes: await printed(`entro il ${formatDay(due, "it")}`) });
    await h.see(/Avviso pagoPA/, group.chatId);
    await h.port.waitFor(() => dueShown(h) !== undefined, 60_000, "the due date on the card");
    expect(dueShown(h)?.value).toBe(`${formatDay(due, "it")} (letta dall'avviso)`);
    const buttons = () =>
      h.port
        .lastCard(group.chatId)
        ?.view.buttons.flat()
        .map((b) => b.label) ?? [];
    await h.port.waitFor(() => buttons().includes("Non ricordarmelo"), 10_000, "Non ricordarmelo on the card");
    clock.set(romeInstant(addDays(due, -7), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(1);
  }, 90_000);

  it("finds the due date in a PDF's text (pagobot's own scanner), with no OCR", async () => {
    const { h, clock, send } = await start(undefined, null);
    const due = addDays(italianDay(clock.now()), 40);
    const pdf = await PDFDocument.create();
    const page = pdf.addPage([595, 842]);
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const lines = [
      "AVVISO DI PAGAMENTO",
      `Da pagare entro il ${formatDay(due, "it")}`,
      `Codice avviso ${paid.noticeNumber}`,
      `Cod. Fiscale Ente Creditore ${paid.fiscalCode}`,
    ];
    lines.forEach((text, i) => {
      page.drawText(text, { x: 50, y: 780 - i * 24, size: 14, font });
    });
    await send(marco, { type: "files", bytes: await pdf.save(), mimeType: "application/pdf" });
    await h.see(/Avviso pagoPA/, group.chatId, 30_000);
    await h.port.waitFor(() => dueShown(h) !== undefined, 10_000, "the due date on the card");
    expect(dueShown(h)?.value).toBe(`${formatDay(due, "it")} (letta dall'avviso)`);
  }, 60_000);

  it("shows the card before the date is read, and a date someone typed is kept", async () => {
    let release: (() => void) | undefined;
    const slow: DueDateReader = {
      read: () =>
        new Promise((resolve) => {
          release = () => resolve({ date: "2099-01-31" });
        }),
    };
    const { h, send } = await start(slow);
    await send(marco, { type: "files", bytes: new Uint8Array([1, 2, 3]) });
    // The card is there while the reader has not answered yet.
    await h.see(/Avviso pagoPA/, group.chatId);
    for (let waited = 0; release === undefined && waited < 10_000; waited += 10) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(dueShown(h)).toBeUndefined();
    release?.();
    await h.app.engine.drain();
    expect(dueShown(h)?.value).toBe("31/01/2099 (letta dall'avviso)");
  });

  it("never reads a due date outside a household, or over one the notice already has", async () => {
    let reads = 0;
    const counting: DueDateReader = {
      read: async () => {
        reads++;
        return { date: "2099-02-28" };
      },
    };
    const { h, send } = await start(counting);
    await send(marco, {
      type: "text",
      text: `Codice avviso ${paid.noticeNumber} ente ${paid.fiscalCode}, entro il 31/01/2099`,
    });
    await h.see(/Avviso pagoPA/, group.chatId);
    await send(marco, { type: "files", bytes: new Uint8Array([1, 2, 3]) });
    await h.app.engine.drain();
    expect(dueShown(h)?.value).toBe("31/01/2099 (indicata da Marco)");
    const before = reads;
    await h.app.engine.handle({
      type: "files",
      chat: { platform: "playground", chatId: "solo", kind: "private" },
      from: marco,
      files: [memoryFile(new Uint8Array([1]), "image/png")],
      eventId: `d${++n}`,
    });
    await h.app.engine.drain();
    expect(reads).toBe(before);
  });
});
