import { describe, expect, it } from "vitest";
import type { InboundEvent } from "../../src/engine/events.ts";
import { freezeAfterWrite } from "../helpers/freezing-kv.ts";
import { memoryFile, people } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";
import { restartableBots, until } from "../helpers/restarts.ts";
import { scannerFinding, scannerNeverAnswering } from "../helpers/stand-in-scanners.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

const paid = testNotice("paid");
const chat = { platform: "playground", chatId: "chat-1", kind: "private" } as const;

/**
 * The platform was told "received" as soon as the text or photo was accepted; the process died before the card.
 * No redelivery comes: the restarted bot must finish what the dead one accepted, on its own, once.
 */
describe("a text or a photo accepted, then the process killed before its card", () => {
  const { start, world, kill } = restartableBots();

  it("a pasted notice: the restarted bot shows its card without the platform sending it again", async () => {
    const w = await world();
    const freezing = freezeAfterWrite(w.kv, (key, value) => key.startsWith("outbox:") && value.includes("Preparo"));
    const a = await start({ ...w, kv: freezing.kv });
    await a.app.engine.handle({ type: "text", chat, from: people.maria, text: paid.qrText, eventId: "text-1" });
    await until(freezing.frozen);
    kill(a);

    const b = await start({ ...w, port: a.port });
    await b.see(/Avviso pagoPA/, b.chatId, 15_000);
    await b.app.engine.drain();
    // And when the platform does deliver it again after all: nothing new.
    await b.app.engine.handle({ type: "text", chat, from: people.maria, text: paid.qrText, eventId: "text-1" });
    await b.app.engine.drain();
    expect(b.texts().filter((t) => t.includes("Avviso pagoPA"))).toHaveLength(1);
    expect(b.texts().some((t) => t.startsWith("Preparo"))).toBe(false);
    expect(await b.app.store.payments.ids()).toHaveLength(1);
  });

  it("a photo killed mid-scan: fetched again by its platform's reference and read once", async () => {
    const w = await world();
    const stuck = scannerNeverAnswering();
    const scanning = () => stuck.started();
    const found = scannerFinding(paid.qrText);
    const bytes = new Uint8Array([1, 2, 3]);
    const photo: InboundEvent = {
      type: "files",
      chat,
      from: people.maria,
      // As an adapter sends it: the file says how to fetch it again (a Telegram file_id, a Slack file id).
      files: [{ ...memoryFile(bytes, "image/jpeg", "avviso.jpg"), source: { id: "photo-a" } } as never],
      eventId: "photo-1",
    };
    // The process dies during the scan: its next store write (a lease renewal at the latest) is its last.
    const freezing = freezeAfterWrite(w.kv, scanning);
    const a = await start({ ...w, kv: freezing.kv, scanner: stuck });
    await a.app.engine.handle(photo);
    await until(freezing.frozen, 5_000);
    kill(a);

    const fetched: unknown[] = [];
    const b = await start({ ...w, scanner: found, port: a.port });
    b.app.inbox.replayFiles("playground", (source) => {
      fetched.push(source);
      return memoryFile(bytes, "image/jpeg", "avviso.jpg");
    });
    await b.see(/Avviso pagoPA/, b.chatId, 15_000);
    await b.app.engine.drain();
    expect(fetched).toEqual([{ id: "photo-a" }]);
    expect(b.texts().filter((t) => t.includes("Avviso pagoPA"))).toHaveLength(1);
    expect(b.texts().some((t) => /Sto leggendo|Leggo/.test(t))).toBe(false);
    expect(found.scans()).toBe(1);
  });

  it("each pass for orphans reads the accepted events' index, never a listing of the store's keys", async () => {
    const w = await world();
    let listings = 0;
    const counted = wrapKv(w.kv, (call, what) => {
      if (what.op === "keys" && what.key.startsWith("inbox")) listings++;
      return call();
    });
    const a = await start({ ...w, kv: counted });
    // Once at start: events an earlier version accepted, before the index, are indexed.
    expect(listings).toBe(1);
    await a.app.engine.handle({ type: "text", chat, from: people.maria, text: paid.qrText, eventId: "text-9" });
    await a.see(/Avviso pagoPA/);
    // Two of the inbox's passes (every 2 s), each over what is accepted.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(listings).toBe(1);
  });

  it("a photo handled in full is not read again by the next process", async () => {
    const w = await world();
    const found = scannerFinding(paid.qrText);
    let dead = false;
    const freezing = freezeAfterWrite(w.kv, () => dead);
    const a = await start({ ...w, kv: freezing.kv, scanner: found });
    const file = { ...memoryFile(new Uint8Array([1]), "image/jpeg"), source: { id: "p" } } as never;
    await a.app.engine.handle({ type: "files", chat, from: people.maria, files: [file], eventId: "photo-2" });
    await a.see(/Avviso pagoPA/);
    await a.app.engine.drain();
    dead = true;
    await until(freezing.frozen, 5_000);
    kill(a);
    const b = await start({ ...w, scanner: found, port: a.port });
    b.app.inbox.replayFiles("playground", () => memoryFile(new Uint8Array([1]), "image/jpeg"));
    // Past the dead process's liveness lease (5 s) and a few of the inbox's passes.
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await b.app.engine.drain();
    expect(found.scans()).toBe(1);
    expect(b.texts().filter((t) => t.includes("Avviso pagoPA"))).toHaveLength(1);
  });
});
