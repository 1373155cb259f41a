import { afterEach, describe, expect, it } from "vitest";
import { createWebhookCredentials } from "../../src/webhooks/credentials.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

const paid = testNotice("paid");

/** Posts a webhook to a harness's listener, as DropPay would: the form's body, basic auth from the URL's userinfo. */
async function post(h: Harness, path: string, auth?: { user: string; password: string }): Promise<number> {
  const url = new URL(path, `http://127.0.0.1:${(h.app.http.server.address() as { port: number }).port}`);
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth !== undefined)
    headers.authorization = `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}`;
  const response = await fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({ id: "PPA-ANY", status: "PAID" }),
  });
  await response.arrayBuffer();
  return response.status;
}

async function waitUntil(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function paymentIds(h: Harness): Promise<string[]> {
  return h.app.store.payments.ids();
}

describe("the DropPay webhook listener", () => {
  const harnesses: Harness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0).reverse()) await h.stop();
  });
  const start = async (...args: Parameters<typeof startHarness>) => {
    const h = await startHarness(...args);
    harnesses.push(h);
    return h;
  };

  it("refuses missing, wrong and another form's credentials with 401, and takes the right ones with 204", async () => {
    const h = await start();
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    await h.send(testNotice("promised").qrText);
    await h.port.waitFor(() => h.texts().filter((t) => t.startsWith("Avviso pagoPA")).length === 2);
    const [a, b] = await paymentIds(h);
    if (a === undefined || b === undefined) throw new Error("two payments expected");
    const credentialsOfA = await createWebhookCredentials(h.app.kv).issue("payment", a);
    expect(await post(h, `/droppay/hook/payment/${a}`)).toBe(401);
    expect(await post(h, `/droppay/hook/payment/${a}`, { user: a, password: "guessed" })).toBe(401);
    // A's own credentials on B's path, as user A or as user B: both refused.
    expect(await post(h, `/droppay/hook/payment/${b}`, credentialsOfA)).toBe(401);
    expect(await post(h, `/droppay/hook/payment/${b}`, { user: b, password: credentialsOfA.password })).toBe(401);
    expect(await post(h, "/droppay/hook/payment/unknown", { user: "unknown", password: "x" })).toBe(401);
    expect(await post(h, `/droppay/hook/payment/${a}`, credentialsOfA)).toBe(204);
    await h.settle();
    // Nothing changed: the forms are still DRAFT and the chat shows just the two cards.
    expect(h.texts()).toHaveLength(2);
  });

  it("turns three concurrent copies of a webhook, on two replicas, into one PAID message", async () => {
    const first = await start();
    const second = await start({ kv: first.app.kv, sandbox: first.sandbox, clock: first.clock, port: first.port });
    // DropPay's own deliveries are lost: only our three copies tell the bot.
    first.sandbox.admin.webhooks.failNext(1_000);
    await first.send(paid.qrText);
    await first.see(/Avviso pagoPA/);
    await first.press(/^Paga /);
    await first.see(/In corso|In attesa/);
    await waitUntil(() => first.sandbox.admin.forms()[0]?.status === "PAID");
    const [id] = await paymentIds(first);
    if (id === undefined) throw new Error("no payment");
    const credentials = await createWebhookCredentials(first.app.kv).issue("payment", id);
    const statuses = await Promise.all([
      post(first, `/droppay/hook/payment/${id}`, credentials),
      post(second, `/droppay/hook/payment/${id}`, credentials),
      post(first, `/droppay/hook/payment/${id}`, credentials),
    ]);
    expect(statuses).toEqual([204, 204, 204]);
    await first.see(/✅ Pagato/);
    // (Not settle(): DropPay keeps retrying its failing deliveries in the background.)
    await first.app.engine.drain();
    await second.app.engine.drain();
    expect(first.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    expect(first.port.lastCard(first.chatId)?.view.lines?.[0]).toBe("Pagato ✅");
  });

  it("ignores an old RUNNING webhook replayed after PAID (out of order): no 'in progress' after 'paid'", async () => {
    const h = await start();
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.settle();
    const form = h.sandbox.admin.forms()[0];
    if (form === undefined) throw new Error("no form");
    const before = h.texts();
    expect(h.sandbox.admin.webhooks.redeliver(form.id, "RUNNING")).toBe(true);
    expect(h.sandbox.admin.webhooks.redeliver(form.id, "PAID")).toBe(true);
    await h.settle();
    const replays = h.sandbox.admin.webhooks.log().slice(-2);
    expect(replays.map((e) => [e.status, e.httpStatus])).toEqual([
      ["RUNNING", 204],
      ["PAID", 204],
    ]);
    expect(h.texts()).toEqual(before);
    expect(h.port.lastCard(h.chatId)?.view.lines?.[0]).toBe("Pagato ✅");
  });

  it("pays exactly once with duplicated, delayed and reordered deliveries", async () => {
    const h = await start();
    h.sandbox.admin.webhooks.setChaos({ duplicate: true, reorder: true, delayMs: 20 });
    await h.send(testNotice("promised").qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.settle();
    const texts = h.texts();
    expect(texts.filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    // PROMISED is announced only if a read saw it (PAID follows within milliseconds here), and never after PAID.
    const promised = texts.filter((t) => t.startsWith("Pagamento di"));
    expect(promised.length).toBeLessThanOrEqual(1);
    if (promised[0] !== undefined) {
      expect(texts.indexOf(promised[0])).toBeLessThan(texts.findIndex((t) => t.startsWith("✅ Pagato")));
    }
    expect(h.port.lastCard(h.chatId)?.view.lines?.[0]).toBe("Pagato ✅");
  });

  it("matches a webhook that arrives before the create answer, and saves the form once", async () => {
    const h = await start();
    h.sandbox.admin.faults.inject("create", { kind: "delay", ms: 400, after: true });
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    const early = h.sandbox.admin.webhooks.log().find((e) => e.status === "DRAFT");
    expect(early?.httpStatus).toBe(204);
    await h.settle();
    expect(h.sandbox.admin.forms()).toHaveLength(1);
    const [id] = await paymentIds(h);
    const payment = await h.app.store.payments.get(id ?? "");
    expect(payment?.formId).toBe(h.sandbox.admin.forms()[0]?.id);
    expect(payment?.cardVersion).toBe(1);
    // Its job looks again shortly: the reconciler reads the form (now known) and nothing changes.
    h.clock.advance(3_000);
    await h.app.reconciler.runDue();
    await h.settle();
    expect(h.sandbox.admin.calls().byForm[payment?.formId ?? ""]?.get).toBeGreaterThanOrEqual(1);
    expect(h.texts()).toHaveLength(1);
  });
});
