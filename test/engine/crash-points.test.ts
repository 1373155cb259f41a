import { describe, expect, it } from "vitest";
import type { SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import type { InboundEvent } from "../../src/engine/events.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import type { View } from "../../src/engine/views.ts";
import { freezeAfterWrite } from "../helpers/freezing-kv.ts";
import { type Harness, memoryFile, people } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";
import { restartableBots, until } from "../helpers/restarts.ts";
import { scannerFinding, scannerNeverAnswering } from "../helpers/stand-in-scanners.ts";

const paid = testNotice("paid");

/** The payment record a write is about, when it is one. */
function paymentWritten(key: string, value: string): PaymentRecord | undefined {
  return key.startsWith("payment:") ? (JSON.parse(value) as PaymentRecord) : undefined;
}

/**
 * A process that dies right after a given write (its store connection freezes there, as a SIGKILL would leave
 * it), and the same bot started again on the same store: whatever was recorded must show in the chat.
 */
describe("a kill right after a state change is recorded", () => {
  const { start, world, kill } = restartableBots();
  /**
   * The frozen bot's forms send their webhooks to its own address (a harness gets a new port on each start,
   * unlike a deployment's PUBLIC_URL): the restarted one learns of PAID from its scheduled re-reads.
   */
  const paidAfterReads = async (
    h: Harness,
    w: { readonly clock: { advance(ms: number): void }; readonly sandbox: SandboxHandle },
  ) => {
    // First the recovery (once the frozen bot's flow lease has run out: seconds of real time) sends the
    // disposition. Waited for at DropPay, not in the store (where the frozen bot may have written "executing"
    // already): a clock moved on meanwhile would push the re-reads along their backoff (30 s, 2 min, 10 min,
    // 1 h), and the read that finds PAID would come an hour of business time later, 120 more steps below.
    const sent = () => {
      const form = w.sandbox.admin.forms().at(-1);
      return form !== undefined && !["DRAFT", "READY", "BOOKED"].includes(form.status);
    };
    for (let waited = 0; !sent() && waited < 12_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const started = Date.now();
    while (!h.texts().some((t) => t.startsWith("✅ Pagato")) && Date.now() - started < 15_000) {
      w.clock.advance(30_000);
      await h.app.reconciler.runDue();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await h.see(/✅ Pagato/);
  };
  /** The frozen process is abandoned: its calls never return, its timers are stopped. */
  const abandon = (h: Harness) => {
    kill(h);
    void h.app.stop();
  };

  it("PAID recorded (its card edit and message stored in the same step), nothing sent: the restarted bot shows both, once", async () => {
    const w = await world();
    const freezing = freezeAfterWrite(w.kv, (key, value) => paymentWritten(key, value)?.status === "PAID");
    const a = await start({ ...w, kv: freezing.kv });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(freezing.frozen);
    abandon(a);
    expect(a.texts().some((t) => t.startsWith("✅ Pagato"))).toBe(false);

    const b = await start({ ...w, port: a.port });
    await b.see(/✅ Pagato/);
    await b.port.waitFor(() => b.port.lastCard(b.chatId)?.view.lines?.[0] === "Pagato ✅", 10_000, "the PAID card");
    // Not settle(): the sandbox keeps trying the frozen bot's webhooks.
    await b.app.engine.drain();
    expect(b.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    expect(await b.app.store.inflight.ids()).toEqual([]);
  });

  it("the new form recorded (its card stored in the same step), nothing sent: the restarted bot shows the card", async () => {
    const w = await world();
    const freezing = freezeAfterWrite(w.kv, (key, value) => {
      const p = paymentWritten(key, value);
      return p?.phase === "open" && p.formId !== null;
    });
    const a = await start({ ...w, kv: freezing.kv });
    await a.send(paid.qrText);
    await until(freezing.frozen);
    abandon(a);
    expect(a.texts().some((t) => t.includes("Avviso pagoPA"))).toBe(false);

    const b = await start({ ...w, port: a.port });
    await b.see(/Avviso pagoPA/);
    await b.press(/^Paga /);
    await paidAfterReads(b, w);
    expect(w.sandbox.admin.forms()).toHaveLength(1);
  }, 40_000);

  it("the disposition claimed, the process gone before the POST: sent once after the restart, without waiting minutes", async () => {
    const w = await world();
    const freezing = freezeAfterWrite(w.kv, (key, value) => paymentWritten(key, value)?.phase === "executing");
    const a = await start({ ...w, kv: freezing.kv });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(freezing.frozen);
    abandon(a);
    const formId = w.sandbox.admin.forms()[0]?.id ?? "";
    expect(w.sandbox.admin.calls().byForm[formId]?.disposition ?? 0).toBe(0);

    const b = await start({ ...w, port: a.port });
    // The sender's grace (10 s after the claim, on the business clock): still nothing sent before it.
    await b.app.reconciler.runDue();
    expect(w.sandbox.admin.calls().byForm[formId]?.disposition ?? 0).toBe(0);
    w.clock.advance(11_000);
    await paidAfterReads(b, w);
    // Not settle(): the sandbox keeps trying the frozen bot's webhooks.
    await b.app.engine.drain();
    expect(w.sandbox.admin.calls().byForm[formId]?.disposition).toBe(1);
    expect(b.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  }, 40_000);

  it("a second Paga after a refused disposition, the process gone before its POST: the restarted bot pays it", async () => {
    const w = await world();
    const formOf = () => w.sandbox.admin.forms()[0]?.id ?? "";
    const dispositions = () => w.sandbox.admin.calls().byForm[formOf()]?.disposition ?? 0;
    // Frozen right after the second attempt's claim (confirming → executing), before its disposition goes out.
    const freezing = freezeAfterWrite(w.kv, (key, value) => {
      const p = paymentWritten(key, value);
      return p?.phase === "executing" && dispositions() === 1;
    });
    const a = await start({ ...w, kv: freezing.kv });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    w.sandbox.admin.faults.inject("disposition", {
      kind: "error",
      status: 400,
      body: { code: "100", description: "Missing arguments" },
    });
    await a.press(/^Paga /);
    // Refused: nothing moved, the card is back with its Paga button (after showing the press: the card as it was
    // before the press, its edit not yet delivered, is not "back").
    const withPaga = (view: View) => view.type === "card" && view.buttons.flat().some((b) => /^Paga /.test(b.label));
    await a.port.waitFor(
      () => {
        const card = a.port.lastCard(a.chatId);
        const versions = card === undefined ? [] : (a.port.messages.get(card.messageId)?.versions ?? []);
        const pressed = versions.findIndex((v) => v.type === "card" && !withPaga(v));
        return pressed >= 0 && versions.slice(pressed).some(withPaga) && withPaga(versions.at(-1) as View);
      },
      10_000,
      "the card back with Paga",
    );
    expect(dispositions()).toBe(1);
    await a.press(/^Paga /);
    await until(freezing.frozen);
    abandon(a);
    expect(dispositions()).toBe(1);

    const b = await start({ ...w, port: a.port });
    w.clock.advance(11_000);
    await paidAfterReads(b, w);
    await b.app.engine.drain();
    // One refused disposition, one that paid: never a third.
    expect(dispositions()).toBe(2);
    expect(b.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    expect(b.port.lastCard(b.chatId)?.view.lines?.[0]).toBe("Pagato ✅");
  }, 40_000);

  it("a kill in the middle of a scan: the platform's redelivery of the photo gives its card, once", async () => {
    const w = await world();
    // The first process's scan never ends (it is killed during it).
    const stuck = scannerNeverAnswering();
    const scanning = () => stuck.started();
    const found = scannerFinding(paid.qrText);
    const photo: InboundEvent = {
      type: "files",
      chat: { platform: "playground", chatId: "chat-1", kind: "private" },
      from: people.maria,
      files: [memoryFile(new Uint8Array([1, 2, 3]), "image/jpeg", "avviso.jpg")],
      eventId: "photo-1",
    };
    const a = await start({ ...w, scanner: stuck });
    await a.app.engine.handle(photo);
    await a.see(/Sto leggendo|Leggo/);
    await until(scanning);
    // Dropped without stopping: no lease handed over, no work finished.
    kill(a);

    const b = await start({ ...w, scanner: found, port: a.port });
    await b.app.engine.handle(photo);
    // Delivered again while the restarted bot still reads it: read once.
    await b.app.engine.handle(photo);
    await b.see(/Avviso pagoPA/);
    await b.app.engine.drain();
    // Delivered once more after it was handled: nothing new.
    await b.app.engine.handle(photo);
    await b.app.engine.drain();
    expect(b.texts().filter((t) => t.includes("Avviso pagoPA"))).toHaveLength(1);
    expect(b.texts().some((t) => /Sto leggendo|Leggo/.test(t))).toBe(false);
    expect(await b.app.store.payments.ids()).toHaveLength(1);
    expect(found.scans()).toBe(1);
  });

  it("a kill while a pasted notice is being opened: the platform's redelivery of the text gives its card, once", async () => {
    const w = await world();
    // Dead right after "Preparo il pagamento…" is recorded, before the payment is.
    const freezing = freezeAfterWrite(w.kv, (key, value) => key.startsWith("outbox:") && value.includes("Preparo"));
    const text: InboundEvent = {
      type: "text",
      chat: { platform: "playground", chatId: "chat-1", kind: "private" },
      from: people.maria,
      text: paid.qrText,
      eventId: "text-1",
    };
    const a = await start({ ...w, kv: freezing.kv });
    await a.app.engine.handle(text);
    await until(freezing.frozen);
    abandon(a);

    const b = await start({ ...w, port: a.port });
    await b.app.engine.handle(text);
    await b.see(/Avviso pagoPA/);
    await b.app.engine.drain();
    await b.app.engine.handle(text);
    await b.app.engine.drain();
    expect(b.texts().filter((t) => t.includes("Avviso pagoPA"))).toHaveLength(1);
    expect(b.texts().some((t) => t.startsWith("Preparo"))).toBe(false);
    expect(await b.app.store.payments.ids()).toHaveLength(1);
  });
});
