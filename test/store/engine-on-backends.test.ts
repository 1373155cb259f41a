import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { type SandboxHandle, startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { PaymentGateway } from "../../src/engine/gateway-port.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

const paid = testNotice("paid");

/** The exactly-once rules, on each store backend: two replicas, and a restart, over the same data. */
describe.each(testBackends())("the engine over %s", (name) => {
  let backend: TestBackend;
  let sandbox: SandboxHandle;
  const harnesses: Harness[] = [];
  const clock = createManualClock(Date.now());
  const setup = async () => {
    backend = createTestBackend(name);
    sandbox = await startSandbox({ clock, timing: { settleMs: 30, promisedMs: 30, slowMs: 300 } });
  };
  const replica = async (options: Parameters<typeof startHarness>[0] = {}) => {
    const h = await startHarness({ kv: backend.open(), sandbox, clock, storeUrl: backend.url, ...options });
    harnesses.push(h);
    return h;
  };
  afterEach(async () => {
    for (const h of harnesses.splice(0).reverse()) await h.stop().catch(() => {});
    await sandbox.close();
    await backend.dispose();
  });

  it("two replicas pressing the same Paga at once make one disposition and one PAID message", async () => {
    await setup();
    const a = await replica();
    const b = await replica({ port: a.port });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    const acks = await Promise.all([a.press(/^Paga /), b.press(/^Paga /), a.press(/^Paga /)]);
    expect(acks.filter((ack) => ack.toast === "In corso…")).toHaveLength(1);
    await a.see(/✅ Pagato/);
    await a.settle();
    await b.settle();
    const form = sandbox.admin.forms()[0];
    expect(sandbox.admin.calls().byForm[form?.id ?? ""]?.disposition).toBe(1);
    expect(a.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  });

  it("a bot restarted over the same data finishes a payment interrupted before its disposition", async () => {
    await setup();
    const a = await replica({
      wrapGateway: (g): PaymentGateway => ({ ...g, executeForm: () => new Promise(() => {}) }),
    });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await a.see(/In corso|In attesa/);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await a.app.stop();
    harnesses.splice(harnesses.indexOf(a), 1);
    const b = await replica({ port: a.port });
    for (let i = 0; i < 6 && !b.texts().some((t) => t.startsWith("✅ Pagato")); i++) {
      clock.advance(3 * 60_000);
      await b.app.reconciler.runDue();
      await b.app.engine.drain();
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await b.see(/✅ Pagato/);
    expect(sandbox.admin.calls().byRoute.disposition).toBe(1);
  });
});
