import { describe, expect, it } from "vitest";
import { ChatHub, type HubEvent } from "../../../adapters/playground/chat-hub.ts";
import type { View } from "../../../src/engine/views.ts";

const text = (value: string): View => ({ type: "text", text: value });
const shown = (hub: ChatHub, chatId: string) =>
  hub.entries(chatId).map((e) => (e.author === "bot" && e.view.type === "text" ? e.view.text : e.author));

describe("ChatHub", () => {
  it("edits a bot message in place: same id, same position, every watcher told", () => {
    const hub = new ChatHub();
    const seen: HubEvent[] = [];
    hub.subscribe("c", (event) => seen.push(event));
    const first = hub.postBot("c", text("Sto leggendo l'avviso…"));
    hub.postPerson("c", { userId: "u", name: "Anna" }, { text: "grazie" });
    expect(hub.postBot("c", text("card"), { replace: first })).toBe(first);
    expect(shown(hub, "c")).toEqual(["card", "person"]);
    expect(seen.map((e) => e.type)).toEqual(["snapshot", "entry", "entry", "entry"]);
  });

  it("shows an edit of a message it no longer has as a new message, so a late PAID is never lost", () => {
    const hub = new ChatHub();
    const id = hub.postBot("c", text("PAGATO"), { replace: "from-before-a-restart" });
    expect(id).not.toBe("from-before-a-restart");
    expect(shown(hub, "c")).toEqual(["PAGATO"]);
  });

  it("never edits what a person sent", () => {
    const hub = new ChatHub();
    const mine = hub.postPerson("c", { userId: "u", name: "Anna" }, { text: "ciao" });
    hub.postBot("c", text("x"), { replace: mine });
    expect(shown(hub, "c")).toEqual(["person", "x"]);
  });

  it("keeps a reply reference only to a message the chat still has", () => {
    const hub = new ChatHub();
    const card = hub.postBot("c", text("card"));
    hub.postBot("c", text("PAGATO"), { replyTo: card });
    hub.postBot("c", text("?"), { replyTo: "gone" });
    expect(hub.entries("c").map((e) => (e.author === "bot" ? e.replyTo : undefined))).toEqual([
      undefined,
      card,
      undefined,
    ]);
  });

  it("bounds history per chat and forgets idle chats first, never one a page is watching", () => {
    const hub = new ChatHub({ maxChats: 2, maxEntries: 3 });
    for (let i = 1; i <= 5; i++) hub.postBot("a", text(`m${i}`));
    expect(shown(hub, "a")).toEqual(["m3", "m4", "m5"]);
    const stop = hub.subscribe("a", () => {});
    hub.postBot("b", text("b"));
    hub.postBot("c", text("c"));
    expect(shown(hub, "a")).toEqual(["m3", "m4", "m5"]);
    expect(shown(hub, "b")).toEqual([]);
    stop();
  });

  it("stops telling a page that unsubscribed", () => {
    const hub = new ChatHub();
    const seen: HubEvent[] = [];
    const stop = hub.subscribe("c", (event) => seen.push(event));
    stop();
    hub.postBot("c", text("x"));
    hub.activity("c");
    expect(seen).toHaveLength(1);
  });
});
