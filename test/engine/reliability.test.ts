import { describe, expect, it } from "vitest";
import type { PaymentGateway } from "../../src/engine/gateway-port.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { type Harness, people } from "../helpers/harness.ts";
import { noticeNumber, ordinaryPayee, testNotice } from "../helpers/notices.ts";
import { restartableBots } from "../helpers/restarts.ts";

const paid = testNotice("paid");
const MINUTE = 60_000;

/** A call that never returns: the process "dies" inside it. */
const hang = <T>(): Promise<T> => new Promise<T>(() => {});

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function onlyPayment(h: Harness): Promise<PaymentRecord> {
  const [id] = await h.app.store.payments.ids();
  const payment = id === undefined ? undefined : await h.app.store.payments.get(id);
  if (payment === undefined) throw new Error("no payment");
  return payment;
}

describe("reliability", () => {
  const { start, world, release } = restartableBots();
  const dispositions = (h: Harness, formId: string) => h.sandbox.admin.calls().byForm[formId]?.disposition ?? 0;
  /** The bot process dies: its server and timers stop; whatever it was awaiting never returns. */
  const kill = async (h: Harness) => {
    await h.app.stop();
    release(h);
  };
  /** Moves time on in steps, letting the reconciler run, until the chat shows PAID. */
  const reconcileUntilPaid = async (h: Harness, clock: { advance(ms: number): void }, stepMs: number) => {
    for (let i = 0; i < 6 && !h.texts().some((t) => t.startsWith("✅ Pagato")); i++) {
      clock.advance(stepMs);
      await h.app.reconciler.runDue();
      await h.app.engine.drain();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await h.see(/✅ Pagato/);
  };
  /** A bot that dies right after Paga's claim, while it reads the form again (before any disposition). */
  const crashWhileConfirming = async (w: Awaited<ReturnType<typeof world>>) => {
    let crashed = false;
    const a = await start({
      ...w,
      wrapGateway: (g): PaymentGateway => ({ ...g, getForm: (...args) => (crashed ? hang() : g.getForm(...args)) }),
    });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    crashed = true;
    await a.press(/^Paga /);
    await until(async () => (await onlyPayment(a)).phase === "confirming");
    await kill(a);
    return a;
  };

  it("PSP 500 on create after the DRAFT was made: one form, reused, and it pays", async () => {
    const h = await start();
    h.sandbox.admin.faults.inject("create", { kind: "error", status: 500, after: true });
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    expect(h.sandbox.admin.forms()).toHaveLength(1);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
  });

  it("timeout on create (connection dropped after the DRAFT was made): no second form", async () => {
    const h = await start();
    h.sandbox.admin.faults.inject("create", { kind: "drop", after: true });
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    expect(h.sandbox.admin.forms()).toHaveLength(1);
  });

  it.each([
    ["a 500", { kind: "error", status: 500, after: true }],
    ["a dropped connection", { kind: "drop", after: true }],
  ] as const)("%s on the disposition after it executed: no second disposition, one PAID", async (_, fault) => {
    const h = await start();
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    const form = (await onlyPayment(h)).formId ?? "";
    h.sandbox.admin.faults.inject("disposition", fault);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.settle();
    expect(dispositions(h, form)).toBe(1);
    expect(h.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  });

  it("a disposition waiting for the owner's approval is never sent again, however long it waits", async () => {
    const h = await start();
    h.sandbox.admin.setSecondFactor(true);
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/approva il pagamento/);
    const formId = (await onlyPayment(h)).formId ?? "";
    for (let i = 0; i < 3; i++) {
      h.clock.advance(10 * MINUTE);
      await h.app.reconciler.runDue();
    }
    await h.app.engine.drain();
    expect(dispositions(h, formId)).toBe(1);
    h.sandbox.admin.approveDisposition(formId);
    await h.see(/✅ Pagato/);
  });

  it("double press on Paga (Promise.all): one disposition; the second press is told it is under way", async () => {
    const h = await start();
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    const acks = await Promise.all([h.press(/^Paga /), h.press(/^Paga /)]);
    expect(acks.map((a) => a.toast).sort()).toEqual(["Il pagamento è già in corso.", "In corso…"]);
    await h.see(/✅ Pagato/);
    await h.settle();
    expect(dispositions(h, (await onlyPayment(h)).formId ?? "")).toBe(1);
  });

  it("two people pressing Paga at once in a family group: one disposition, the other told who pays", async () => {
    const h = await start();
    await h.send(paid.qrText, people.maria, "family");
    await h.see(/Avviso pagoPA/, "family");
    const [maria, luca] = await Promise.all([
      h.press(/^Paga /, people.maria, "family"),
      h.press(/^Paga /, people.luca, "family"),
    ]);
    expect(maria.toast).toBe("In corso…");
    expect(luca).toEqual({ toast: "Solo Maria può decidere su questo pagamento.", alert: true });
    await h.see(/✅ Pagato/, "family");
    await h.settle();
    expect(dispositions(h, (await onlyPayment(h)).formId ?? "")).toBe(1);
  });

  it("the same press reaching two replicas at once: one disposition", async () => {
    const w = await world();
    const a = await start(w);
    const b = await start({ ...w, port: a.port });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    const acks = await Promise.all([a.press(/^Paga /), b.press(/^Paga /)]);
    expect(acks.map((x) => x.toast).sort()).toEqual(["Il pagamento è già in corso.", "In corso…"]);
    await a.see(/✅ Pagato/);
    await a.settle();
    await b.settle();
    expect(dispositions(a, (await onlyPayment(a)).formId ?? "")).toBe(1);
    expect(a.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  });

  it("a crash between the confirm and the disposition: the restarted bot sends it once and announces PAID", async () => {
    const w = await world();
    const a = await start({ ...w, wrapGateway: (g): PaymentGateway => ({ ...g, executeForm: () => hang() }) });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(async () => (await onlyPayment(a)).phase === "executing");
    const formId = (await onlyPayment(a)).formId ?? "";
    await kill(a);
    expect(dispositions(a, formId)).toBe(0);

    const b = await start({ ...w, port: a.port });
    // Too early to tell a lost disposition from a slow one: nothing is sent yet.
    expect(dispositions(b, formId)).toBe(0);
    await reconcileUntilPaid(b, w.clock, 3 * MINUTE);
    expect(dispositions(b, formId)).toBe(1);
    expect(b.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    expect(b.port.lastCard(b.chatId)?.view.lines?.[0]).toBe("Pagato ✅");
  });

  it("a crash while confirming: a recent confirmation is carried out once after the restart", async () => {
    const w = await world();
    const a = await crashWhileConfirming(w);
    const b = await start({ ...w, port: a.port });
    await reconcileUntilPaid(b, w.clock, 2 * MINUTE);
    expect(dispositions(b, (await onlyPayment(b)).formId ?? "")).toBe(1);
  });

  it("a crash while confirming, restarted much later: the card asks again instead of paying", async () => {
    const w = await world();
    const a = await crashWhileConfirming(w);
    w.clock.advance(30 * MINUTE);

    const b = await start({ ...w, port: a.port });
    // Recovery runs on the reconciler's timer, seconds at most after the start.
    await until(async () => (await onlyPayment(b)).phase === "open");
    await b.app.engine.drain();
    expect(b.port.button(b.chatId, /^Paga /)).toBeDefined();
    expect(dispositions(b, (await onlyPayment(b)).formId ?? "")).toBe(0);
  });

  it("a restart with payments pending: each is followed to its end (paid, open card, created)", async () => {
    const w = await world();
    let creates = 0;
    const a = await start({
      ...w,
      // The third create never returns: the process dies during it.
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        createForm: (...args) => (++creates === 3 ? hang() : g.createForm(...args)),
      }),
    });
    await a.send(testNotice("slow").qrText, people.maria, "running");
    await a.see(/Avviso pagoPA/, "running");
    await a.press(/^Paga /, people.maria, "running");
    await a.see(/In attesa|In corso/, "running");
    await a.send(`${noticeNumber(11)} ${ordinaryPayee}`, people.maria, "open");
    await a.see(/Avviso pagoPA/, "open");
    await a.send(`${noticeNumber(12)} ${ordinaryPayee}`, people.maria, "creating");
    await until(() => creates === 3);
    await kill(a);
    // While the bot is down the slow payment settles; its webhook finds nobody.
    await until(() => w.sandbox.admin.forms().some((f) => f.status === "PAID"), 5_000);

    const b = await start({ ...w, port: a.port });
    await b.see(/✅ Pagato/, "running");
    w.clock.advance(2 * MINUTE);
    await b.app.reconciler.runDue();
    await b.see(/Avviso pagoPA/, "creating");
    expect(b.port.button("open", /^Paga /)).toBeDefined();
    expect(b.port.button("creating", /^Paga /)).toBeDefined();
    expect(w.sandbox.admin.forms()).toHaveLength(3);
  });

  it("token expiry under 20 parallel calls: one refresh, twenty cards", async () => {
    const h = await start();
    await h.send(`${noticeNumber(100)} ${ordinaryPayee}`, people.maria, "warm-up");
    await h.see(/Avviso pagoPA/, "warm-up");
    h.sandbox.admin.expireTokens();
    h.sandbox.admin.resetCalls();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        h.send(`${noticeNumber(200 + i)} ${ordinaryPayee}`, people.maria, `chat-${i}`),
      ),
    );
    await Promise.all(Array.from({ length: 20 }, (_, i) => h.see(/Avviso pagoPA/, `chat-${i}`)));
    expect(h.sandbox.admin.calls().byRoute.token).toBe(1);
    expect(h.sandbox.admin.calls().byRoute.create).toBe(40);
  });
});
