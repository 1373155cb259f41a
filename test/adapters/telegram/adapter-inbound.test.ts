import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Harness, pngOf, startHarness } from "./harness.ts";

// One adapter for the whole file: each test uses its own chats and reads only the events that follow it.
let harness: Harness;
let seen = 0;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});
beforeEach(() => {
  seen = harness.engine.events.length;
});

async function nextEvent() {
  const events = await harness.engine.waitForEvents(seen + 1);
  seen += 1;
  return events[seen - 1];
}

/** Nothing more reaches the engine within a short while. */
async function expectNoEvent() {
  await new Promise((resolve) => setTimeout(resolve, 250));
  expect(harness.engine.events.slice(seen)).toEqual([]);
}

describe("Telegram adapter: what people send becomes engine events", () => {
  it("turns /start with a deep-link payload into the start command with its argument", async () => {
    const chat = harness.peer.privateChat({ first_name: "Ada", language_code: "en-US" });
    chat.sendText("/start avviso_302016723749670000");
    expect(await nextEvent()).toMatchObject({
      type: "command",
      name: "start",
      args: "avviso_302016723749670000",
      from: { locale: "en-US", name: "Ada" },
    });
  });

  it.each([
    ["/help", "help", ""],
    ["/aiuto", "help", ""],
    ["/collega", "link", ""],
    ["/link", "link", ""],
    ["/scollega", "unlink", ""],
    ["/unlink", "unlink", ""],
    ["/lingua en", "language", "en"],
    ["/language it", "language", "it"],
    ["/annulla", "cancel", ""],
    ["/history", "history", ""],
  ])("reads %s as the %s command", async (text, name, args) => {
    const chat = harness.peer.privateChat({ first_name: "Bea" });
    chat.sendText(text);
    expect(await nextEvent()).toMatchObject({ type: "command", name, args });
  });

  it("passes typed codes and a QR text on as text", async () => {
    const chat = harness.peer.privateChat({ first_name: "Carlo" });
    chat.sendText("Codice avviso 3020 1672 3749 6700 00, CF ente 80016350821");
    expect(await nextEvent()).toMatchObject({
      type: "text",
      text: "Codice avviso 3020 1672 3749 6700 00, CF ente 80016350821",
    });
    chat.sendText("PAGOPA|002|302016723749670000|77777777777|103069");
    expect(await nextEvent()).toMatchObject({ type: "text", text: "PAGOPA|002|302016723749670000|77777777777|103069" });
  });

  it("passes a command the engine does not know on as text, without the @bot suffix", async () => {
    const chat = harness.peer.privateChat({ first_name: "Dario" });
    chat.sendText("/paga@pagobot_test_bot 302016723749670000 77777777777");
    expect(await nextEvent()).toMatchObject({ type: "text", text: "/paga 302016723749670000 77777777777" });
  });

  it("hands over a PDF document with its name, type and size", async () => {
    const chat = harness.peer.privateChat({ first_name: "Elena" });
    const pdf = new TextEncoder().encode("%PDF-1.4\n% test notice\n");
    chat.sendDocument(pdf, { fileName: "avviso TARI.pdf", mimeType: "application/pdf" });
    const event = await nextEvent();
    if (event?.type !== "files") throw new Error("expected files");
    expect(event.files[0]).toMatchObject({
      name: "avviso TARI.pdf",
      mimeType: "application/pdf",
      sizeBytes: pdf.length,
    });
    expect(Buffer.from((await event.files[0]?.download(1024 * 1024)) ?? []).toString()).toContain("%PDF-1.4");
    // After a restart, the inbox fetches it again from what it kept (the file_id as JSON; never the token).
    const kept = JSON.parse(JSON.stringify((event.files[0] as { source?: unknown }).source)) as unknown;
    expect(JSON.stringify(kept)).not.toContain(harness.peer.token);
    const again = harness.rebuilders.get("telegram")?.(kept);
    expect(again).toMatchObject({ name: "avviso TARI.pdf", mimeType: "application/pdf", sizeBytes: pdf.length });
    expect(Buffer.from((await again?.download(1024 * 1024)) ?? []).toString()).toContain("%PDF-1.4");
  });

  it("treats a forwarded photo like any photo", async () => {
    const chat = harness.peer.privateChat({ first_name: "Franco" });
    chat.sendPhoto(await pngOf(400, 300), { forwardedFrom: "Mamma" });
    const event = await nextEvent();
    expect(event).toMatchObject({ type: "files", from: { name: "Franco" } });
  });

  it("reads a command in a photo caption, which telegraf's command() would miss", async () => {
    const group = harness.peer.group("Famiglia Rossi", { first_name: "Gino" });
    group.sendPhoto(await pngOf(400, 300), { caption: "/paga@pagobot_test_bot bolletta luce" });
    expect(await nextEvent()).toMatchObject({
      type: "files",
      caption: "/paga bolletta luce",
      chat: { kind: "group", chatId: String(group.id) },
    });
  });

  it("in a group under privacy mode, gets photos that reply to its prompt, with the reply reference", async () => {
    const group = harness.peer.group("Famiglia Bianchi", { first_name: "Ivo" });
    const prompt = await harness.engine.port?.deliver(
      { platform: "telegram", chatId: String(group.id), kind: "group" },
      { type: "text", text: "Rispondi a questo messaggio con la foto dell'avviso." },
    );
    const plain = group.sendPhoto(await pngOf(400, 300));
    expect(plain.delivered).toBe(false);
    group.sendPhoto(await pngOf(400, 300), { replyTo: Number(prompt?.messageId) });
    expect(await nextEvent()).toMatchObject({ type: "files", replyTo: prompt?.messageId, chat: { kind: "group" } });
    await expectNoEvent();
  });

  it("ignores a command meant for another bot in a group", async () => {
    const group = harness.peer.group("Condominio", { first_name: "Lia" }, { privacy: false });
    group.sendText("/start@other_bot");
    group.sendPhoto(await pngOf(300, 300), { caption: "/scan@other_bot" });
    await expectNoEvent();
  });

  it("greets a group it was just added to, as /start would", async () => {
    const group = harness.peer.group("Famiglia Verdi", { first_name: "Nora", language_code: "it" });
    group.addBot();
    expect(await nextEvent()).toMatchObject({
      type: "command",
      name: "start",
      chat: { kind: "group", chatId: String(group.id) },
      from: { name: "Nora" },
    });
  });
});
