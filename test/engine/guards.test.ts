import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { PaymentGateway } from "../../src/engine/gateway-port.ts";
import { flowLease } from "../../src/engine/lease.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { type Harness, type HarnessOptions, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

/**
 * The guards on the money path, each with a test that fails without it: the claims (open → confirming,
 * confirming → executing, → cancelling), the takeover lease, and the forward-only status rule.
 */

const paid = testNotice("paid");

/** A gate a wrapped gateway call waits at until the test opens it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open: () => open() };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
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

describe("guards on the money path", () => {
  const running: Harness[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const h of running.splice(0).reverse()) await h.stop().catch(() => {});
    for (const close of closers.splice(0)) await close();
  });
  const start = async (options: HarnessOptions = {}) => {
    const h = await startHarness(options);
    running.push(h);
    return h;
  };
  const world = async (timing = { settleMs: 30, promisedMs: 30, slowMs: 300 }) => {
    const clock = createManualClock(Date.now());
    const sandbox = await startSandbox({ clock, timing });
    closers.push(() => sandbox.close());
    return { clock, sandbox, kv: createMemoryKv() };
  };
  const dispositions = (h: Harness, formId: string) => h.sandbox.admin.calls().byForm[formId]?.disposition ?? 0;

  it("the takeover lease: a live flow, however slow, is never taken over by another replica", async () => {
    const w = await world();
    const slow = gate();
    let held = false;
    const a = await start({
      ...w,
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        updateForm: async (...args) => {
          const form = await g.updateForm(...args);
          held = true;
          await slow.opened;
          return form;
        },
      }),
    });
    let bCalls = 0;
    const b = await start({
      ...w,
      port: a.port,
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        getForm: (...args) => {
          bCalls++;
          return g.getForm(...args);
        },
      }),
    });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(() => held);
    const p = await onlyPayment(a);
    expect(p.phase).toBe("confirming");
    // However late in the confirmation's life: the lease, not an age, says whether its process lives.
    w.clock.advance(5 * 60_000);
    expect(await b.app.engine.recover(p.id)).toBe(false);
    expect(bCalls).toBe(0);
    slow.open();
    await a.see(/✅ Pagato/);
    expect(dispositions(a, p.formId ?? "")).toBe(1);
  });

  it("a Paga pressed while the card's creation still holds the flow lease goes on as soon as it is let go", async () => {
    // The reconciler (recovery) is off: only the press's own flow can carry the payment on.
    const h = await start({ ...(await world()), reconcilerTickMs: 3_600_000 });
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    const p = await onlyPayment(h);
    // The flow that created the form has shown the card and not yet let its lease go (a fast person's press).
    await h.app.store.leases.create(flowLease(p.id), { owner: "the flow that created the form" });
    await h.press(/^Paga /);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(dispositions(h, p.formId ?? "")).toBe(0);
    await h.app.store.leases.delete(flowLease(p.id));
    await h.see(/✅ Pagato/);
    expect(dispositions(h, p.formId ?? "")).toBe(1);
  });

  it("the second claim (confirming → executing): a paused process that wakes after a takeover sends nothing", async () => {
    // PROMISED lasts: the payment is still executing (not closed) when the paused process wakes.
    const w = await world({ settleMs: 30, promisedMs: 5_000, slowMs: 300 });
    const paused = gate();
    let pausing = false;
    const a = await start({
      ...w,
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        updateForm: async (...args) => {
          const form = await g.updateForm(...args);
          pausing = true;
          await paused.opened;
          return form;
        },
      }),
    });
    await a.send(testNotice("promised").qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(() => pausing);
    const p = await onlyPayment(a);
    // A stops (its lease let go, as a long pause lets it lapse); replica B takes the flow over and pays.
    running.splice(running.indexOf(a), 1);
    void a.app.stop();
    const b = await start({ ...w, port: a.port });
    await until(async () => (await onlyPayment(b)).executeAnswered);
    expect(dispositions(b, p.formId ?? "")).toBe(1);
    // A wakes up with the form it read before the pause, READY and unchanged: its claim must fail.
    paused.open();
    await a.app.engine.drain();
    await b.app.engine.drain();
    expect((await onlyPayment(b)).executePosts).toBe(1);
    expect(dispositions(b, p.formId ?? "")).toBe(1);
  });

  it("the cancel claim: two Annulla presses at once delete the form once and tell the second it is under way", async () => {
    const h = await start();
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    const formId = (await onlyPayment(h)).formId ?? "";
    const acks = await Promise.all([h.press(/^Annulla$/), h.press(/^Annulla$/)]);
    expect(acks.map((a) => a.toast).sort()).toEqual(["Annullo…", "Il pagamento è già in corso."]);
    await h.see(/annullato/i);
    await h.settle();
    expect(h.sandbox.admin.calls().byForm[formId]?.delete).toBe(1);
  });

  it("statuses only move forward: a disposition's answer arriving after PROMISED never moves the card back", async () => {
    const w = await world({ settleMs: 30, promisedMs: 5_000, slowMs: 300 });
    const late = gate();
    let answered = false;
    const h = await start({
      ...w,
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        executeForm: async (...args) => {
          const disposition = await g.executeForm(...args);
          answered = true;
          await late.opened;
          return disposition;
        },
      }),
    });
    await h.send(testNotice("promised").qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await until(() => answered);
    // The webhooks bring RUNNING, then PROMISED, while the disposition's answer (RUNNING) is still on its way.
    await h.see(/^Pagamento di .* accettato: la conferma definitiva/);
    const card = () => h.port.lastCard(h.chatId)?.view.lines?.[0];
    const promised = "Pagamento accettato: la conferma definitiva arriverà a breve.";
    await until(() => card() === promised);
    late.open();
    await h.app.engine.drain();
    expect((await onlyPayment(h)).status).toBe("PROMISED");
    expect(card()).toBe(promised);
    // Not even for a moment: no card edit after the PROMISED one shows an earlier status.
    const lines = h.port.deliveries.map((d) => (d.view.type === "card" ? d.view.lines?.[0] : undefined));
    const after = lines.slice(lines.indexOf(promised));
    expect(after.filter((line) => line !== undefined && line !== promised)).toEqual([]);
  });
});
