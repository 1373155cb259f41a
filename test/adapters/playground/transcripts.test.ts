import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChatHub } from "../../../adapters/playground/chat-hub.ts";
import { createKvTranscripts } from "../../../adapters/playground/transcripts.ts";
import type { View } from "../../../src/engine/views.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { openKv } from "../../../src/store/open-kv.ts";

// The playground's chats survive a restart: a new hub over the same store shows what the old one showed, edits
// included, bounded to the newest messages.

const text = (value: string): View => ({ type: "text", text: value });
const shown = (hub: ChatHub, chatId: string) =>
  hub.entries(chatId).map((e) => (e.author === "bot" && e.view.type === "text" ? e.view.text : `${e.author}`));

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("playground transcripts in the store", () => {
  it("shows the same chat after a restart on the same SQLite store, edits included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagobot-transcripts-"));
    dirs.push(dir);
    const url = `sqlite://${join(dir, "store.sqlite")}`;
    const namespace = `t${Date.now()}`;

    const kv1 = openKv(url, namespace);
    const store1 = createKvTranscripts(kv1, silentLogger);
    const hub1 = new ChatHub({ store: store1 });
    await hub1.ready("s1");
    hub1.postPerson("s1", { userId: "s1.anna", name: "Anna" }, { text: "ciao" });
    const card = hub1.postBot("s1", text("Sto leggendo l'avviso…"));
    hub1.postBot("s1", text("Pagato ✅"), { replace: card });
    await store1.flush();
    await kv1.close();

    const kv2 = openKv(url, namespace);
    const hub2 = new ChatHub({ store: createKvTranscripts(kv2, silentLogger) });
    const seen: string[] = [];
    await hub2.ready("s1");
    hub2.subscribe("s1", (event) => {
      if (event.type === "snapshot") seen.push(...event.entries.map((e) => e.id));
    });
    expect(shown(hub2, "s1")).toEqual(["person", "Pagato ✅"]);
    expect(seen[1]).toBe(card);
    // A late edit of the card after the restart lands on it, not as a new message.
    hub2.postBot("s1", text("Pagato ✅ (IUR 123)"), { replace: card });
    expect(shown(hub2, "s1")).toEqual(["person", "Pagato ✅ (IUR 123)"]);
    await kv2.close();
  });

  it("keeps only the newest messages of a chat", async () => {
    const kv = openKv("memory://");
    const store = createKvTranscripts(kv, silentLogger, { maxEntries: 3 });
    const hub = new ChatHub({ store, maxEntries: 3 });
    await hub.ready("c");
    for (let i = 1; i <= 6; i++) hub.postBot("c", text(`m${i}`));
    await store.flush();
    const again = new ChatHub({ store: createKvTranscripts(kv, silentLogger, { maxEntries: 3 }) });
    await again.ready("c");
    expect(shown(again, "c")).toEqual(["m4", "m5", "m6"]);
    const stored = await kv.get("playground:transcript:c");
    expect(JSON.parse(stored?.value ?? "[]")).toHaveLength(3);
  });

  it("starts a chat empty when what was kept is unreadable, rather than failing the page", async () => {
    const kv = openKv("memory://");
    await kv.set("playground:transcript:c", "{not json");
    const hub = new ChatHub({ store: createKvTranscripts(kv, silentLogger) });
    await hub.ready("c");
    expect(hub.entries("c")).toEqual([]);
  });
});
