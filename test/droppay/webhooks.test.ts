import { describe, expect, it } from "vitest";
import { parseForm } from "../../src/droppay/schemas.ts";
import { account, clientFor, eventually, plainNotice, sandbox, webhookListener } from "./helpers.ts";

const basic = (user: string, secret: string) => `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;

/** Creates, commits and executes a form that posts to `url`; resolves once it is PAID. */
async function payWithWebhook(sb: Awaited<ReturnType<typeof sandbox>>, url: string) {
  const payer = account(sb, 500_000);
  const client = clientFor(sb);
  const form = await client.createForm(payer.tokens, { ...plainNotice, webhookUrl: url });
  await client.updateForm(payer.tokens, form.id, { status: "READY" });
  await client.executeForm(payer.tokens, form.id);
  await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined));
  return { form, payer, client };
}

describe("webhooks (droppay-api.md: POST the form as GET returns it, basic auth from the userinfo)", () => {
  it("posts every status change to the listener with the URL's credentials, as GET would show the form", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    const { form, payer, client } = await payWithWebhook(sb, listener.url("form-42", "s3cr3t/with:odd@chars"));
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["DRAFT", "READY", "RUNNING", "PAID"]);
    for (const r of listener.received) {
      expect(r.headers.authorization).toBe(basic("form-42", "s3cr3t/with:odd@chars"));
      expect(r.headers["content-type"]).toBe("application/json");
    }
    const last = parseForm(listener.received.at(-1)?.body);
    expect(last.ok && last.value).toEqual(await client.getForm(payer.tokens, form.id));
    // the sandbox's own listing shows the listener without its credentials
    const listing = await (await fetch(`${sb.url}/sandbox/v1/forms`)).text();
    expect(listing).toContain("/droppay/hook");
    expect(listing).not.toContain("s3cr3t");
  });

  it("retries with backoff while the listener answers 500, until it answers 2xx", async () => {
    const sb = await sandbox();
    const listener = await webhookListener((n) => (n <= 2 ? 500 : 204));
    const payer = account(sb, 500_000);
    await clientFor(sb).createForm(payer.tokens, { ...plainNotice, webhookUrl: listener.url() });
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["DRAFT", "DRAFT", "DRAFT"]);
    expect(sb.admin.webhooks.log().map((e) => [e.outcome, e.httpStatus, e.attempt])).toEqual([
      ["failed", 500, 1],
      ["failed", 500, 2],
      ["delivered", 204, 3],
    ]);
    expect(sb.admin.webhooks.log()[0]?.target).not.toContain("s3cr3t");
  });

  it("keeps retrying an unreachable listener, then gives up", async () => {
    const sb = await sandbox({ webhookRetry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, timeoutMs: 500 } });
    const payer = account(sb);
    await clientFor(sb).createForm(payer.tokens, { ...plainNotice, webhookUrl: "http://u:p@127.0.0.1:9/hook" });
    await sb.admin.webhooks.idle();
    expect(sb.admin.webhooks.log().map((e) => e.outcome)).toEqual(["failed", "failed", "failed", "failed"]);
  });

  it("the next deliveries can be made to fail on purpose; they arrive later, once", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    sb.admin.webhooks.failNext(2);
    await clientFor(sb).createForm(account(sb).tokens, { ...plainNotice, webhookUrl: listener.url() });
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["DRAFT"]);
    expect(sb.admin.webhooks.log().map((e) => e.error)).toEqual([
      "failed on purpose (sandbox)",
      "failed on purpose (sandbox)",
      null,
    ]);
  });

  it("chaos: duplicates every delivery", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    sb.admin.webhooks.setChaos({ duplicate: true });
    await payWithWebhook(sb, listener.url());
    await sb.admin.webhooks.idle();
    const counts = Object.fromEntries(
      ["DRAFT", "READY", "RUNNING", "PAID"].map((s) => [s, listener.statuses().filter((x) => x === s).length]),
    );
    expect(counts).toEqual({ DRAFT: 2, READY: 2, RUNNING: 2, PAID: 2 });
  });

  it("chaos: delays deliveries", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    sb.admin.webhooks.setChaos({ delayMs: 400 });
    const started = Date.now();
    await clientFor(sb).createForm(account(sb).tokens, { ...plainNotice, webhookUrl: listener.url() });
    expect(listener.received).toHaveLength(0);
    await sb.admin.webhooks.idle();
    expect(listener.received).toHaveLength(1);
    expect((listener.received[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(190);
  });

  it("chaos: reorders deliveries of the same form, newest first", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    sb.admin.webhooks.setChaos({ reorder: true, delayMs: 800 });
    await payWithWebhook(sb, listener.url());
    await sb.admin.webhooks.idle();
    // Newest first within the hold window; a very slow machine may split the four into two windows.
    expect(listener.statuses()[0]).not.toBe("DRAFT");
    expect([...listener.statuses()].sort()).toEqual(["DRAFT", "PAID", "READY", "RUNNING"]);
    expect(listener.statuses()).not.toEqual(["DRAFT", "READY", "RUNNING", "PAID"]);
  });

  it("replays an old delivery after a newer one, as a stale copy would arrive", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    const { form } = await payWithWebhook(sb, listener.url());
    await sb.admin.webhooks.idle();
    expect(sb.admin.webhooks.redeliver(form.id, "RUNNING")).toBe(true);
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["DRAFT", "READY", "RUNNING", "PAID", "RUNNING"]);
  });

  it("can hold the create answer back so that its webhook arrives first", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    sb.admin.faults.inject("create", { kind: "delay", ms: 300, after: true });
    const form = await clientFor(sb).createForm(account(sb).tokens, { ...plainNotice, webhookUrl: listener.url() });
    const answeredAt = Date.now();
    expect(listener.received).toHaveLength(1);
    expect((listener.received[0]?.body as { id: string }).id).toBe(form.id);
    expect(listener.received[0]?.at).toBeLessThan(answeredAt);
  });
});
