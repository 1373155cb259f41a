import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import type { ChatRef } from "../../src/engine/events.ts";
import { chatKey } from "../../src/engine/ids.ts";
import { createLeaseKeeper } from "../../src/engine/lease.ts";
import { chatOutLease, createOutbox } from "../../src/engine/outbox.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { RecordingChatPort } from "../helpers/recording-chat-port.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

const chat: ChatRef = { platform: "playground", chatId: "c1", kind: "private" };
const text = (t: string) => ({ type: "text" as const, text: t });

function setup(
  options: { sleep?: (ms: number) => Promise<void>; kv?: ReturnType<typeof createMemoryKv>; owner?: string } = {},
) {
  const kv = options.kv ?? createMemoryKv();
  const store = createEngineStore(kv);
  const outbox = createOutbox({
    store,
    clock: createManualClock(),
    logger: silentLogger,
    leases: createLeaseKeeper(store, options.owner ?? "r1"),
    ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
  });
  return { kv, store, outbox };
}

describe("the outbox", () => {
  it("delivers every message once and in order through a storm of 429s, waiting as told", async () => {
    const waits: number[] = [];
    const { outbox } = setup({ sleep: async (ms) => void waits.push(ms) });
    const port = new RecordingChatPort();
    port.inject(
      { kind: "rate_limit", retryAfterMs: 1_000 },
      { kind: "rate_limit", retryAfterMs: 2_000 },
      { kind: "rate_limit", retryAfterMs: 3_000 },
    );
    outbox.registerPort(port);
    for (let i = 1; i <= 5; i++) await outbox.send({ chat, view: text(`message ${i}`) });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["message 1", "message 2", "message 3", "message 4", "message 5"]);
    expect(waits).toEqual([1_000, 2_000, 3_000]);
    expect(port.calls).toBe(8);
  });

  it("keeps a sent delivery's id for a month without its view, and never sends that id again", async () => {
    const { store, outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ id: "status:p1:PAID", chat, view: text("✅ Pagato, a long receipt of a message") });
    await outbox.idle();
    const kept = await store.outbox.get("status:p1:PAID");
    expect(kept).toMatchObject({ state: "sent", messageId: "m1" });
    expect(kept?.view).toBeUndefined();
    expect(await store.pendingDeliveries.ids()).toEqual([]);
    await outbox.send({ id: "status:p1:PAID", chat, view: text("✅ Pagato, a long receipt of a message") });
    await outbox.resume();
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["✅ Pagato, a long receipt of a message"]);
  });

  it("posts a delivery in the thread of a slot's message, as the slot shows it when the delivery is sent", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("before") });
    // Queued before the card was sent: the thread cannot be known yet, only the slot.
    await outbox.send({ id: "card:p1:1", chat, view: text("card"), slot: "card:p1" });
    await outbox.send({ id: "status:p1:PAID", chat, view: text("Pagato"), threadOf: "card:p1" });
    await outbox.idle();
    const card = port.deliveries.find((d) => d.view.type === "text" && d.view.text === "card");
    const paid = port.deliveries.find((d) => d.view.type === "text" && d.view.text === "Pagato");
    expect(card?.messageId).toBe("m2");
    expect(paid?.options.thread).toBe("m2");
  });

  it("sends a delivery meant for one person with its audience, and refuses one that would go into a slot", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("troppo grande"), audience: { userId: "u7" } });
    await outbox.idle();
    expect(port.deliveries[0]?.options.audience).toEqual({ userId: "u7" });
    await expect(outbox.send({ chat, view: text("x"), slot: "card:p1", audience: { userId: "u7" } })).rejects.toThrow(
      /one person/,
    );
  });

  it("sends a message with a fixed id once, however many times it is queued (a status announced twice)", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await Promise.all([
      outbox.send({ id: "status:p1:PAID", chat, view: text("Pagato") }),
      outbox.send({ id: "status:p1:PAID", chat, view: text("Pagato") }),
    ]);
    await outbox.idle();
    await outbox.send({ id: "status:p1:PAID", chat, view: text("Pagato") });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["Pagato"]);
  });

  it("keeps what it could not send and sends it after a restart, once", async () => {
    const kv = createMemoryKv();
    const first = setup({ kv });
    // No adapter yet (or the process dies before sending): the deliveries stay stored.
    await first.outbox.send({ id: "status:p1:PAID", chat, view: text("✅ Pagato") });
    await first.outbox.send({ chat, view: text("second") });
    first.outbox.stop();
    const second = setup({ kv });
    const port = new RecordingChatPort();
    second.outbox.registerPort(port);
    await second.outbox.resume();
    await second.outbox.idle();
    expect(port.texts("c1")).toEqual(["✅ Pagato", "second"]);
    // A third life finds nothing left to send.
    const third = setup({ kv });
    const again = new RecordingChatPort();
    third.outbox.registerPort(again);
    await third.outbox.resume();
    await third.outbox.idle();
    expect(again.deliveries).toHaveLength(0);
    expect(await second.store.pendingDeliveries.ids()).toEqual([]);
  });

  it("edits the message a slot shows, and sends a new one when that message is gone", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("Sto leggendo l'avviso…"), slot: "progress:1" });
    await outbox.send({ chat, view: text("card v1"), slot: "progress:1" });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["card v1"]);
    port.messages.clear(); // the person deleted it
    await outbox.send({ chat, view: text("card v2"), slot: "progress:1" });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["card v2"]);
  });

  it("never shows an older version of a card after a newer one (edits queued out of order)", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("card v1: Da confermare"), slot: "card:p1", version: 1 });
    await outbox.send({ chat, view: text("card v3: Pagato"), slot: "card:p1", version: 3 });
    await outbox.send({ chat, view: text("card v2: In corso"), slot: "card:p1", version: 2 });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["card v3: Pagato"]);
    expect(port.deliveries.map((d) => (d.view.type === "text" ? d.view.text : ""))).toEqual([
      "card v1: Da confermare",
      "card v3: Pagato",
    ]);
  });

  it("skips an edit to the very view the slot's message shows; a different one still goes", async () => {
    const { outbox } = setup();
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("Da confermare"), slot: "card:p1", version: 1 });
    await outbox.send({ chat, view: text("In corso…"), slot: "card:p1", version: 2 });
    await outbox.send({ chat, view: text("In corso…"), slot: "card:p1", version: 3 });
    await outbox.send({ chat, view: text("Pagato"), slot: "card:p1", version: 4 });
    await outbox.idle();
    expect(port.deliveries.map((d) => (d.view.type === "text" ? d.view.text : ""))).toEqual([
      "Da confermare",
      "In corso…",
      "Pagato",
    ]);
    expect(port.texts("c1")).toEqual(["Pagato"]);
  });

  /**
   * A process shows "Da confermare" in the card's slot, then dies while the platform takes `edit` (it never hears
   * back). Answers the screen and a second process over the same store, its leases run out at each wait.
   */
  async function diesMidEdit(edit: { readonly view: ReturnType<typeof text>; readonly version?: number }) {
    const kv = createMemoryKv();
    const expire = async () => {
      const leases = createEngineStore(kv).leases;
      for (const id of await leases.ids()) await leases.delete(id);
    };
    const first = setup({ kv, sleep: expire });
    const screen = new RecordingChatPort();
    let dying = false;
    first.outbox.registerPort({
      platform: "playground",
      deliver: async (to, view, options) => {
        const shown = await screen.deliver(to, view, options);
        return dying ? new Promise<never>(() => {}) : shown;
      },
    });
    await first.outbox.send({ chat, view: text("Da confermare"), slot: "card:p1", version: 1 });
    await first.outbox.idle();
    dying = true;
    await first.outbox.send({ chat, slot: "card:p1", ...edit });
    for (let i = 0; i < 200 && screen.texts("c1")[0] !== edit.view.text; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(screen.texts("c1")).toEqual([edit.view.text]);
    first.outbox.stop();
    const second = setup({ kv, sleep: expire });
    second.outbox.registerPort(screen);
    return { screen, second };
  }

  it("a process that died mid-edit leaves no record of what the card shows: the next edit back is made", async () => {
    const { screen, second } = await diesMidEdit({ view: text("In corso…"), version: 2 });
    // Another process puts the card back as it was (the disposition was refused): the edit must go out.
    await second.outbox.send({ chat, view: text("Da confermare"), slot: "card:p1", version: 3 });
    await second.outbox.idle();
    expect(screen.texts("c1")).toEqual(["Da confermare"]);
  });

  it("a process that died mid-edit with no version leaves no record of what the card shows either", async () => {
    // A plain message into the card's place (no version), taken by the platform as the process dies.
    const { screen, second } = await diesMidEdit({ view: text("Il collegamento non funziona più") });
    // The card's next version renders as the first did: it must still go out.
    await second.outbox.send({ chat, view: text("Da confermare"), slot: "card:p1", version: 2 });
    await second.outbox.idle();
    expect(screen.texts("c1")).toEqual(["Da confermare"]);
  });

  it("retries a failing delivery with growing waits, then gives up after its attempts", async () => {
    const waits: number[] = [];
    const kv = createMemoryKv();
    const store = createEngineStore(kv);
    const outbox = createOutbox({
      store,
      clock: createManualClock(),
      logger: silentLogger,
      leases: createLeaseKeeper(store, "r1"),
      maxAttempts: 4,
      sleep: async (ms) => void waits.push(ms),
    });
    const port = new RecordingChatPort();
    port.inject(...Array.from({ length: 4 }, () => ({ kind: "error" as const, permanent: false })));
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("never") });
    await outbox.send({ chat, view: text("after") });
    await outbox.idle();
    expect(waits).toEqual([1_000, 2_000, 4_000]);
    // The one that kept failing is given up (and logged); the next one goes out.
    expect(port.texts("c1")).toEqual(["after"]);
    expect(await store.pendingDeliveries.ids()).toEqual([]);
  });

  it("finds a dead process's deliveries on the pending list, without listing the store's keys at every look", async () => {
    const kv = createMemoryKv();
    // Process A stores a delivery and dies before sending it (it has no port for the chat's platform).
    const dead = setup({ kv, owner: "a" });
    await dead.outbox.send({ chat, view: text("left behind") });
    await dead.outbox.idle();
    dead.outbox.stop();
    let listings = 0;
    const counted = wrapKv(kv, (call, what) => {
      if (what.op === "keys") listings++;
      return call();
    });
    const live = setup({ kv: counted, owner: "b" });
    const port = new RecordingChatPort();
    live.outbox.registerPort(port);
    // Pending at two looks: adopted at the second. Only the first read of the list looks for older marker keys.
    expect(await live.outbox.adoptOrphans(0)).toBe(0);
    expect(await live.outbox.adoptOrphans(0)).toBe(1);
    await live.outbox.idle();
    expect(await live.outbox.adoptOrphans(0)).toBe(0);
    expect(port.texts("c1")).toEqual(["left behind"]);
    expect(listings).toBe(1);
  });

  it("sends a delivery an earlier version left pending under a marker key, once, after the upgrade", async () => {
    const kv = createMemoryKv();
    const before = createEngineStore(kv);
    const delivery = {
      id: "d-old",
      chat,
      view: text("queued before the upgrade"),
      slot: null,
      fresh: false,
      version: null,
      replyTo: null,
      threadOf: null,
      audience: null,
      createdAt: 1,
      seq: 1,
      attempts: 0,
      state: "pending" as const,
      messageId: null,
    };
    await before.outbox.create("d-old", delivery);
    await kv.set("outbox-pending:d-old", JSON.stringify({ at: 1 }));
    const { outbox, store } = setup({ kv });
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.resume();
    await outbox.idle();
    await outbox.resume();
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["queued before the upgrade"]);
    expect(await kv.get("outbox-pending:d-old")).toBeUndefined();
    expect(await store.pendingDeliveries.ids()).toEqual([]);
  });

  it("sends into a chat whose lease a dead process still held, once that lease is gone", async () => {
    const kv = createMemoryKv();
    const leases = createEngineStore(kv).leases;
    await leases.create(chatOutLease(chatKey(chat)), { owner: "a process that died" });
    let waited = 0;
    // The wait ends with the dead process's lease expired.
    const expire = async () => {
      waited++;
      await leases.delete(chatOutLease(chatKey(chat)));
    };
    const { outbox } = setup({ kv, sleep: expire });
    const port = new RecordingChatPort();
    outbox.registerPort(port);
    await outbox.send({ id: "d1", chat, view: text("✅ Pagato") });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["✅ Pagato"]);
    expect(waited).toBe(1);
  });

  it("paces one chat by the port's interval", async () => {
    // The waits are recorded, not slept: what is checked is that the outbox asks for them, not the timer.
    const waits: number[] = [];
    const { outbox } = setup({ sleep: async (ms) => void waits.push(ms) });
    const port = new RecordingChatPort("playground", 40_000);
    outbox.registerPort(port);
    for (let i = 0; i < 3; i++) await outbox.send({ chat, view: text(`m${i}`) });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["m0", "m1", "m2"]);
    // No wait before the first message; before each of the others, (almost) the whole interval.
    expect(waits).toHaveLength(2);
    for (const wait of waits) expect(wait).toBeGreaterThan(39_000);
  });

  it("lets a burst through at once, then paces; the chat's pace outlives its emptied queue", async () => {
    const waits: number[] = [];
    const { outbox } = setup({ sleep: async (ms) => void waits.push(ms) });
    const port = new RecordingChatPort("playground", 40_000, 2);
    outbox.registerPort(port);
    // A card's edit and its PAID message: both at once (a burst of two).
    await outbox.send({ chat, view: text("card") });
    await outbox.send({ chat, view: text("paid") });
    await outbox.idle();
    expect(waits).toEqual([]);
    // The queue emptied and was dropped; the next delivery to the chat still waits its turn.
    await outbox.send({ chat, view: text("next") });
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["card", "paid", "next"]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(39_000);
    // Another chat has its own pace.
    await outbox.send({ chat: { ...chat, chatId: "c2" }, view: text("other") });
    await outbox.idle();
    expect(waits).toHaveLength(1);
  });

  it("reads every delivery stored together with the chat's lease, before the first is sent (a card and its PAID)", async () => {
    const port = new RecordingChatPort();
    const reads: string[] = [];
    const kv = wrapKv(createMemoryKv(), (call, what) => {
      if (what.op === "get" && what.key.startsWith("outbox:")) reads.push(`${what.key} after ${port.calls} sent`);
      return call();
    });
    const { outbox } = setup({ kv });
    outbox.registerPort(port);
    await outbox.sendAll([
      { id: "card:p1:4", chat, view: text("card: paid") },
      { id: "status:p1:PAID", chat, view: text("✅ Pagato") },
    ]);
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["card: paid", "✅ Pagato"]);
    expect(reads).toEqual(["outbox:card:p1:4 after 0 sent", "outbox:status:p1:PAID after 0 sent"]);
  });

  it("records a card edit with what its slot shows, and lets the chat go with its last delivery, each in one step", async () => {
    const calls: string[] = [];
    let recording = false;
    const kv = wrapKv(createMemoryKv(), (call, what) => {
      if (recording) {
        const steps = (what.steps ?? []).map((step) =>
          "key" in step ? `${step.kind} ${step.key}` : `${step.kind} ${step.place.member}`,
        );
        calls.push([`${what.op} ${what.key}`, ...steps].join(" + "));
      }
      return call();
    });
    const { store, outbox } = setup({ kv });
    const port = new RecordingChatPort("telegram", 1_000, 3);
    outbox.registerPort(port);
    const group: ChatRef = { platform: "telegram", chatId: "-100", kind: "group" };
    await outbox.send({ id: "card:p1:1", chat: group, view: text("card: ready"), slot: "card:p1", version: 1 });
    await outbox.idle();
    recording = true;
    await outbox.sendAll([
      { id: "card:p1:2", chat: group, view: text("card: paid"), slot: "card:p1", version: 2 },
      { id: "status:p1:PAID", chat: group, view: text("✅ Pagato") },
    ]);
    await outbox.idle();
    expect(port.texts("-100")).toEqual(["card: paid", "✅ Pagato"]);
    expect(calls).toEqual([
      "setIfAbsent outbox:card:p1:2 + create outbox:card:p1:2",
      "setIfAbsent outbox:status:p1:PAID + create outbox:status:p1:PAID",
      "setIfAbsent lease:chat-out:telegram:-100",
      "get outbox:card:p1:2",
      "get outbox:status:p1:PAID",
      "get slot:card:p1",
      "get chat-pace:telegram:-100",
      // A versioned edit writes nothing before it goes (outbox.ts showsPrevious).
      "compareAndSet slot:card:p1 + put outbox:card:p1:2 + due-remove card:p1:2",
      "compareAndSet outbox:status:p1:PAID + due-remove status:p1:PAID + put chat-pace:telegram:-100 + delete lease:chat-out:telegram:-100",
    ]);
    expect(await store.outbox.get("card:p1:2")).toMatchObject({ state: "sent" });
    expect(await store.outbox.get("status:p1:PAID")).toMatchObject({ state: "sent" });
    expect(await store.pendingDeliveries.ids()).toEqual([]);
    expect(await store.slots.get("card:p1")).toMatchObject({ version: 2 });
    expect(await store.chatPaces.get("telegram:-100")).toBeDefined();
    // The chat is free at once: another replica takes its lease.
    expect(await store.leases.get("chat-out:telegram:-100")).toBeUndefined();
  });

  it("sends a delivery queued while the chat is being let go under the chat's lease, taken again", async () => {
    let queuedLate: Promise<void> | undefined;
    const kv = wrapKv(createMemoryKv(), (call, what) => {
      // The run's last delivery is being recorded, with the lease: another one comes in just then.
      if (
        queuedLate === undefined &&
        what.steps?.some((step) => step.kind === "delete" && step.key.startsWith("lease:"))
      ) {
        queuedLate = outbox.send({ chat, view: text("late") });
      }
      return call();
    });
    const { store, outbox } = setup({ kv });
    const held: boolean[] = [];
    const port = new RecordingChatPort();
    const deliver = port.deliver.bind(port);
    port.deliver = async (to, view, options) => {
      held.push((await store.leases.get(chatOutLease(chatKey(to)))) !== undefined);
      return deliver(to, view, options);
    };
    outbox.registerPort(port);
    await outbox.send({ chat, view: text("first") });
    await outbox.idle();
    await queuedLate;
    await outbox.idle();
    expect(port.texts("c1")).toEqual(["first", "late"]);
    expect(held).toEqual([true, true]);
    expect(await store.leases.get(chatOutLease(chatKey(chat)))).toBeUndefined();
  });

  it("reads and leaves no pace in the store for a chat its platform does not pace", async () => {
    const touched: string[] = [];
    const kv = wrapKv(createMemoryKv(), (call, what) => {
      if (what.key.startsWith("chat-pace:")) touched.push(`${what.op} ${what.key}`);
      // The pace is left in the same step as the run's last delivery is recorded sent.
      for (const step of what.steps ?? [])
        if ("key" in step && step.key.startsWith("chat-pace:")) touched.push(`${step.kind} ${step.key}`);
      return call();
    });
    const { outbox } = setup({ kv });
    const unpaced = new RecordingChatPort();
    outbox.registerPort(unpaced);
    await outbox.send({ chat, view: text("card") });
    await outbox.send({ chat, view: text("paid") });
    await outbox.idle();
    expect(unpaced.texts("c1")).toEqual(["card", "paid"]);
    expect(touched).toEqual([]);
    // A paced platform's chat: its pace read once per run of its queue, and left once.
    const paced = new RecordingChatPort("telegram", 1_000, 2);
    outbox.registerPort(paced);
    const group: ChatRef = { platform: "telegram", chatId: "-100", kind: "group" };
    await outbox.send({ chat: group, view: text("card") });
    await outbox.send({ chat: group, view: text("paid") });
    await outbox.idle();
    expect(paced.texts("-100")).toEqual(["card", "paid"]);
    expect(touched.map((t) => t.split(" ")[0])).toEqual(["get", "put"]);
  });

  it("keeps a chat's pace when its next delivery is sent by another replica", async () => {
    const waits: number[] = [];
    const sleep = async (ms: number) => void waits.push(ms);
    const kv = createMemoryKv();
    const a = setup({ kv, sleep, owner: "r1" });
    const b = setup({ kv, sleep, owner: "r2" });
    const portA = new RecordingChatPort("playground", 40_000, 2);
    const portB = new RecordingChatPort("playground", 40_000, 2);
    a.outbox.registerPort(portA);
    b.outbox.registerPort(portB);
    // Replica A sends a card's edit and its PAID message: the chat's burst is spent.
    await a.outbox.send({ chat, view: text("card") });
    await a.outbox.send({ chat, view: text("paid") });
    await a.outbox.idle();
    expect(waits).toEqual([]);
    // The next delivery to the chat lands on replica B: it waits the chat's turn, as A would have.
    await b.outbox.send({ chat, view: text("next") });
    await b.outbox.idle();
    expect(portA.texts("c1")).toEqual(["card", "paid"]);
    expect(portB.texts("c1")).toEqual(["next"]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(39_000);
  });
});
