import { describe, expect, it } from "vitest";
import type { PaymentGateway } from "../../src/engine/gateway-port.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import type { Harness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";
import { restartableBots } from "../helpers/restarts.ts";

const paid = testNotice("paid");

async function onlyPayment(h: Harness): Promise<PaymentRecord> {
  const [id] = await h.app.store.payments.ids();
  const payment = id === undefined ? undefined : await h.app.store.payments.get(id);
  if (payment === undefined) throw new Error("no payment");
  return payment;
}

describe("a graceful stop (SIGTERM, SIGINT)", () => {
  const { start, world, release } = restartableBots();
  const stop = async (h: Harness, graceMs: number) => {
    release(h);
    await h.app.stop({ graceMs });
  };

  it("finishes a press it accepted before stopping: the disposition is sent and its card queued", async () => {
    const w = await world();
    const h = await start({
      ...w,
      wrapGateway: (g): PaymentGateway => ({
        ...g,
        updateForm: async (...args) => {
          await new Promise((resolve) => setTimeout(resolve, 300));
          return g.updateForm(...args);
        },
      }),
    });
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await stop(h, 5_000);
    const p = await onlyPayment(h);
    expect(h.sandbox.admin.calls().byForm[p.formId ?? ""]?.disposition).toBe(1);
    expect(p.executeAnswered).toBe(true);
    expect(await h.app.store.inflight.ids()).toEqual([]);
  });

  it("hands over a flow that outlasts its grace: the next start carries it on at once, not after a lease's expiry", async () => {
    const w = await world();
    const a = await start({
      ...w,
      // The commit never answers in this process.
      wrapGateway: (g): PaymentGateway => ({ ...g, updateForm: () => new Promise(() => {}) }),
    });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await stop(a, 100);
    const p = await onlyPayment(a);
    expect(p.phase).toBe("confirming");
    // Handed over: no lease left to wait out (a killed process's would stand for 5 s).
    expect(await w.kv.keys("lease:")).toEqual([]);
    expect(await a.app.store.inflight.ids()).toEqual([p.id]);
    const b = await start({ ...w, port: a.port });
    // Its webhooks went to the stopped bot: the re-read finds PAID.
    for (let i = 0; i < 50 && !b.texts().some((t) => t.startsWith("✅ Pagato")); i++) {
      w.clock.advance(30_000);
      await b.app.reconciler.runDue();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await b.see(/✅ Pagato/);
    expect(b.sandbox.admin.calls().byForm[p.formId ?? ""]?.disposition).toBe(1);
  });
});
