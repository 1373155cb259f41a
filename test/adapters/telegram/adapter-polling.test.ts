import { afterEach, describe, expect, it } from "vitest";
import type { InboundEvent } from "../../../src/engine/events.ts";
import { FileTooLargeError } from "../../../src/engine/ports.ts";
import type { View } from "../../../src/engine/views.ts";
import { en } from "../../../src/i18n/en.ts";
import { type Harness, pngOf, startHarness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

const MB = 1024 * 1024;

function filesOf(event: InboundEvent | undefined) {
  if (event?.type !== "files") throw new Error(`expected a files event, got ${event?.type}`);
  return event;
}

const card = (status: string, buttons: boolean): View => ({
  type: "card",
  title: "Avviso di pagamento",
  lines: [status],
  fields: [
    { label: "Importo", value: "1.030,69 €" },
    { label: "Ente", value: "Comune di Esempio <Test> & Co" },
  ],
  tone: buttons ? "neutral" : "pending",
  buttons: buttons
    ? [
        [
          { label: "Paga 1.030,69 €", ref: "pay:0f3a9c", style: "primary" },
          { label: "Annulla", ref: "cancel:0f3a9c", style: "danger" },
        ],
      ]
    : [],
});

describe("Telegram adapter, long polling against the local Bot API", () => {
  it("hands the engine a photo whose download is the largest size, not a thumbnail", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Giulia", language_code: "it" });
    const bytes = await pngOf(1280, 960);
    chat.sendPhoto(bytes, { label: "avviso.png" });
    const event = filesOf((await engine.waitForEvents(1))[0]);
    expect(event).toMatchObject({ chat: { platform: "telegram", chatId: String(chat.id), kind: "private" } });
    expect(event.from).toEqual({ userId: String(chat.person.id), name: "Giulia", locale: "it" });
    expect(event.files).toHaveLength(1);
    expect(event.files[0]?.mimeType).toBe("image/jpeg");
    const downloaded = await event.files[0]?.download(10 * MB);
    expect(Buffer.from(downloaded ?? []).equals(Buffer.from(bytes))).toBe(true);
  });

  it("shows the card with Paga and Annulla, answers the press at once with the toast, then edits the card in place", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    engine.reply = (event, tools) => {
      if (event.type === "files") return { work: async () => void (await tools.deliver(card("Da pagare", true))) };
      if (event.type === "button") {
        return {
          ack: { toast: "Pagamento avviato" },
          work: async () => void (await tools.deliver(card("In corso", false), { replace: event.messageId })),
        };
      }
      return undefined;
    };
    const chat = peer.privateChat({ first_name: "Marco" });
    chat.sendPhoto(await pngOf(800, 600));
    const shown = await peer.waitFor((e) => e.side === "bot" && e.kind === "message");
    const [message] = chat.botMessages();
    expect(message?.text).toBe(
      "Avviso di pagamento\nDa pagare\n\nImporto: 1.030,69 €\nEnte: Comune di Esempio <Test> & Co",
    );
    expect(message?.html).toContain("<b>1.030,69 €</b>");
    expect(message?.buttons.flat().map((b) => b.text)).toEqual(["Paga 1.030,69 €", "Annulla"]);

    chat.press(message?.messageId ?? 0, "Paga");
    const toast = await peer.waitFor((e) => e.side === "bot" && e.kind === "toast", { since: shown.seq });
    const edit = await peer.waitFor((e) => e.side === "bot" && e.kind === "edit", { since: shown.seq });
    expect(toast).toMatchObject({ text: "Pagamento avviato", alert: false });
    expect(toast.seq).toBeLessThan(edit.seq);
    expect(engine.events[1]).toMatchObject({
      type: "button",
      ref: "pay:0f3a9c",
      messageId: String(message?.messageId),
    });
    const [edited] = chat.botMessages();
    expect(edited?.text).toContain("⏳ Avviso di pagamento\nIn corso");
    expect(edited?.buttons).toEqual([]);
    expect(chat.botMessages()).toHaveLength(1);
  });

  it("treats an edit that changes nothing as delivered", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Anna" });
    const to = { platform: "telegram", chatId: String(chat.id), kind: "private" } as const;
    const port = engine.port;
    if (port === undefined) throw new Error("no port");
    const { messageId } = await port.deliver(to, card("In corso", false));
    await expect(port.deliver(to, card("In corso", false), { replace: messageId })).resolves.toEqual({ messageId });
    expect(peer.state.calls.filter((c) => c.method === "editMessageText").map((c) => c.status)).toEqual([400]);
    expect(chat.botMessages()).toHaveLength(1);
  });

  it("gathers an album into one files event, in order, with the album's caption", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Luca" });
    const images = [
      await pngOf(640, 480, 0xff0000ff),
      await pngOf(640, 480, 0x00ff00ff),
      await pngOf(640, 480, 0x0000ffff),
    ];
    const sent = chat.sendAlbum(
      images.map((bytes) => ({ kind: "photo" as const, bytes })),
      { caption: "le bollette di marzo" },
    );
    const event = filesOf((await engine.waitForEvents(1))[0]);
    expect(event.files).toHaveLength(3);
    expect(event.caption).toBe("le bollette di marzo");
    expect(event.eventId).toBe(String(sent[0]?.updateId));
    const second = await event.files[1]?.download(MB);
    expect(Buffer.from(second ?? []).equals(Buffer.from(images[1] as Uint8Array))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(engine.events).toHaveLength(1);
  });

  it("refuses a 25 MB document before asking Telegram for it", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Sara" });
    chat.sendDocument(new Uint8Array(25 * MB), { fileName: "avviso.pdf", mimeType: "application/pdf" });
    const event = filesOf((await engine.waitForEvents(1))[0]);
    const file = event.files[0];
    expect(file).toMatchObject({ name: "avviso.pdf", mimeType: "application/pdf", sizeBytes: 25 * MB });
    const refused = await file?.download(50 * MB).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FileTooLargeError);
    expect((refused as FileTooLargeError).maxBytes).toBe(20 * MB);
    expect(peer.state.calls.some((c) => c.method === "getFile")).toBe(false);
    expect([...peer.state.files.values()].every((f) => f.downloads === 0)).toBe(true);
  });

  it("stops reading a file that turns out larger than announced", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Sara" });
    chat.sendDocument(new Uint8Array(3 * MB), { fileName: "scan.png", mimeType: "image/png", omitFileSize: true });
    const file = filesOf((await engine.waitForEvents(1))[0]).files[0];
    expect(file?.sizeBytes).toBeUndefined();
    await expect(file?.download(MB)).rejects.toBeInstanceOf(FileTooLargeError);
  });

  it("sends the last-resort message in the person's language when the engine fails", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    engine.reply = () => {
      throw new Error("engine bug");
    };
    const chat = peer.privateChat({ first_name: "Emma", language_code: "en-GB" });
    chat.sendText("hello");
    await peer.waitFor((e) => e.side === "bot" && e.kind === "message");
    expect(chat.botMessages().map((m) => m.text)).toEqual([en.errors.generic]);
  });

  it("stops the spinner of a button it does not know without bothering the engine", async () => {
    harness = await startHarness();
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Rita" });
    const to = { platform: "telegram", chatId: String(chat.id), kind: "private" } as const;
    await engine.port?.deliver(to, card("Da pagare", true));
    const [message] = chat.botMessages();
    // A card from an older bot version, whose data is not an engine ref.
    peer.state.storeMessage({
      ...(message as NonNullable<typeof message>),
      buttons: [[{ text: "Vecchio", data: "legacy-42" }]],
    });
    chat.press(message?.messageId ?? 0, "Vecchio");
    const toast = await peer.waitFor((e) => e.side === "bot" && e.kind === "toast");
    expect(toast).toMatchObject({ alert: false });
    expect("text" in toast ? toast.text : undefined).toBeUndefined();
    expect(engine.events).toHaveLength(0);
  });
});
