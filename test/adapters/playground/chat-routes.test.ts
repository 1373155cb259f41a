import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ChatEntry } from "../../../adapters/playground/chat-entry.ts";
import { anna, openEvents, postJson, startPlayground } from "./harness.ts";

type Started = Awaited<ReturnType<typeof startPlayground>>;
type EntryEvent = { entry: ChatEntry };

describe("playground chat over HTTP and server-sent events", () => {
  let app: Started;
  beforeEach(async () => {
    app = await startPlayground();
  });
  afterEach(async () => {
    await app.close();
  });

  it("streams what the person typed, then the bot's answer, to the page watching the chat", async () => {
    const events = await openEvents(`${app.url}/api/events?chatId=s1`);
    expect(events.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(await events.next("snapshot")).toEqual({ type: "snapshot", entries: [] });

    const answer = await postJson(`${app.url}/api/messages`, { ...anna, text: "302016723749670000 77777777777" });
    expect(answer).toEqual({ status: 200, body: { ok: true } });
    const mine = await events.next<EntryEvent>("entry");
    expect(mine.entry).toMatchObject({ author: "person", text: "302016723749670000 77777777777" });
    expect(mine.entry).toMatchObject({ sender: { userId: "s1.anna", name: "Anna" } });
    const bot = await events.next<EntryEvent>("entry");
    expect(bot.entry).toMatchObject({ author: "bot", view: { type: "text", text: "got text" } });

    expect(app.engine.events[0]).toMatchObject({
      type: "text",
      text: "302016723749670000 77777777777",
      chat: { platform: "playground", chatId: "s1", kind: "private" },
      from: { userId: "s1.anna", name: "Anna", locale: "it" },
    });
    events.close();
  });

  it("edits the card in place when a button is pressed, and answers with the engine's toast", async () => {
    const events = await openEvents(`${app.url}/api/events?chatId=s1`);
    await events.next("snapshot");
    const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10]);
    const upload = await fetch(`${app.url}/api/files?${new URLSearchParams(anna)}`, {
      method: "POST",
      headers: { "content-type": "image/png", "x-file-name": encodeURIComponent("avviso è.png") },
      body: png,
    });
    expect(upload.status).toBe(200);
    await app.engine.drain();
    expect((await events.next<EntryEvent>("entry")).entry).toMatchObject({
      author: "person",
      file: { name: "avviso è.png", mimeType: "image/png", sizeBytes: 8 },
    });
    const progress = (await events.next<EntryEvent>("entry")).entry;
    expect(progress).toMatchObject({ author: "bot", view: { type: "text", text: "Sto leggendo l'avviso…" } });
    await events.next("activity");
    const card = (await events.next<EntryEvent>("entry")).entry;
    // The progress message becomes the card: same id, so the page replaces it where it stands.
    expect(card.id).toBe(progress.id);
    expect(card).toMatchObject({ view: { type: "card", title: "Comune di Prova" } });

    const press = await postJson(`${app.url}/api/buttons`, { ...anna, ref: "pay:1", messageId: card.id });
    expect(press).toEqual({ status: 200, body: { ok: true, toast: "pressed pay:1" } });
    await app.engine.drain();
    expect((await events.next<EntryEvent>("entry")).entry).toMatchObject({ id: card.id, view: { title: "In corso" } });
    expect((await events.next<EntryEvent>("entry")).entry).toMatchObject({ id: card.id, view: { title: "PAGATO" } });
    expect(app.engine.events.at(-1)).toMatchObject({ type: "button", ref: "pay:1", messageId: card.id });
    // A page that connects later gets the chat as it is now: one file, one PAID card.
    const late = await openEvents(`${app.url}/api/events?chatId=s1`);
    const snapshot = await late.next<{ entries: ChatEntry[] }>("snapshot");
    expect(
      snapshot.entries.map((e) => (e.author === "bot" && e.view.type === "card" ? e.view.title : e.author)),
    ).toEqual(["person", "PAGATO"]);
    events.close();
    late.close();
  });

  it("reads typed slash commands, Italian or English, as commands", async () => {
    await postJson(`${app.url}/api/messages`, { ...anna, text: "/lingua en" });
    await postJson(`${app.url}/api/messages`, { ...anna, text: "/help" });
    await postJson(`${app.url}/api/messages`, { ...anna, text: "/nonesiste" });
    await postJson(`${app.url}/api/commands`, { ...anna, command: "language", args: "it" });
    expect(app.engine.events.map((e) => (e.type === "command" ? `${e.name}:${e.args}` : e.type))).toEqual([
      "language:en",
      "help:",
      "text",
      "language:it",
    ]);
  });

  it("lets two family members speak in one group chat, each with their own identity", async () => {
    const group = { chatId: "s1.family", kind: "group", locale: "it" } as const;
    const watcher = await openEvents(`${app.url}/api/events?chatId=s1.family`);
    await watcher.next("snapshot");
    await postJson(`${app.url}/api/messages`, { ...group, userId: "s1.marco", name: "Marco", text: "ecco l'avviso" });
    await postJson(`${app.url}/api/messages`, { ...group, userId: "s1.anna", name: "Anna", text: "ok" });
    const senders = [];
    for (let i = 0; i < 4; i++) {
      const { entry } = await watcher.next<EntryEvent>("entry");
      if (entry.author === "person") senders.push(entry.sender.name);
    }
    expect(senders).toEqual(["Marco", "Anna"]);
    expect(app.engine.events.map((e) => [e.chat.kind, e.chat.chatId, e.from.userId])).toEqual([
      ["group", "s1.family", "s1.marco"],
      ["group", "s1.family", "s1.anna"],
    ]);
    watcher.close();
  });

  it("scopes the page's event ids to the chat, so the engine can drop a retried request", async () => {
    await postJson(`${app.url}/api/messages`, { ...anna, eventId: "abcdef0123456789", text: "ciao" });
    expect(app.engine.events[0]?.eventId).toBe("s1:abcdef0123456789");
  });

  it("refuses malformed requests with 400 and never reaches the engine", async () => {
    const cases = [
      postJson(`${app.url}/api/messages`, { ...anna, chatId: "../etc", text: "x" }),
      postJson(`${app.url}/api/messages`, { ...anna, kind: "channel", text: "x" }),
      postJson(`${app.url}/api/messages`, { ...anna, text: "   " }),
      postJson(`${app.url}/api/buttons`, { ...anna, ref: "", messageId: "1" }),
      fetch(`${app.url}/api/events?chatId=bad%20id`).then((r) => ({ status: r.status })),
    ];
    for (const answer of await Promise.all(cases)) expect(answer.status).toBe(400);
    // The type a cross-site form can send without asking: refused as the wrong media type.
    const plain = await fetch(`${app.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ ...anna, text: "ciao" }),
    });
    expect(plain.status).toBe(415);
    expect(app.engine.events).toEqual([]);
  });

  it("delivers to a chat nobody watches, and keeps it for the page that opens later", async () => {
    const { messageId } = await app.engine.port.deliver(
      { platform: "playground", chatId: "later", kind: "private" },
      { type: "text", text: "PAGATO" },
    );
    const events = await openEvents(`${app.url}/api/events?chatId=later`);
    const snapshot = await events.next<{ entries: ChatEntry[] }>("snapshot");
    expect(snapshot.entries).toEqual([{ id: messageId, author: "bot", view: { type: "text", text: "PAGATO" } }]);
    events.close();
  });

  it("answers 404 for unknown API paths and 405 for a wrong method", async () => {
    expect((await fetch(`${app.url}/api/nothing`)).status).toBe(404);
    expect((await fetch(`${app.url}/api/messages`)).status).toBe(405);
  });
});
