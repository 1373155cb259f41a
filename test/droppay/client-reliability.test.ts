import { describe, expect, it } from "vitest";
import { createDropPayAuth } from "../../src/droppay/auth/auth.ts";
import { createUserTokenSource } from "../../src/droppay/auth/token-source.ts";
import { createManualClock } from "../../src/droppay/clock.ts";
import { DropPayApiError, DropPayNetworkError } from "../../src/droppay/errors.ts";
import type { SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import { account, clientFor, eventually, plainNotice, recordingLogger, sandbox } from "./helpers.ts";

/**
 * The client's timeout in these tests, and a delay well past it: the read-back after a timeout must itself fit in
 * the timeout, on a machine busy with other suites (250 ms was too tight there), before a delayed call lands.
 */
const TIMEOUT_MS = 1_000;
const LATE_MS = 4 * TIMEOUT_MS;

/** A READY form on a funded account, and the calls counted from here on. */
async function readyForm(sb: SandboxHandle) {
  const payer = account(sb, 500_000);
  const client = clientFor(sb, { timeoutMs: TIMEOUT_MS });
  const form = await client.createForm(payer.tokens, plainNotice);
  await client.updateForm(payer.tokens, form.id, { status: "READY" });
  sb.admin.resetCalls();
  return { payer, client, form };
}

const dispositions = (sb: SandboxHandle, formId: string) => sb.admin.calls().byForm[formId]?.disposition ?? 0;

describe("the disposition is never sent twice (payments.md R8)", () => {
  it("after a timeout on an executed disposition, reads the form back and finds it RUNNING", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "delay", ms: LATE_MS, after: true });
    const result = await client.executeForm(payer.tokens, form.id);
    expect(result).toMatchObject({ outcome: "accepted", readBack: true });
    expect(["RUNNING", "PAID"]).toContain(result.form.status);
    expect(dispositions(sb, form.id)).toBe(1);
    expect(sb.admin.calls().byForm[form.id]?.get).toBeGreaterThanOrEqual(1);
  });

  it("after a lost answer (connection dropped once executed), reads back instead of posting again", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "drop", after: true });
    const result = await client.executeForm(payer.tokens, form.id);
    expect(result.outcome).toBe("accepted");
    expect(dispositions(sb, form.id)).toBe(1);
    await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined));
  });

  it("after a 500 with no body once executed, reads back and finds it accepted", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "error", status: 500, after: true });
    expect((await client.executeForm(payer.tokens, form.id)).outcome).toBe("accepted");
    expect(dispositions(sb, form.id)).toBe(1);
  });

  it("after a 500 with no body before anything happened, says 'unconfirmed' and leaves the form READY", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "error", status: 500 });
    const result = await client.executeForm(payer.tokens, form.id);
    expect(result).toMatchObject({ outcome: "unconfirmed", readBack: true, form: { status: "READY" } });
    expect(dispositions(sb, form.id)).toBe(1);
    expect(sb.admin.calls().byForm[form.id]?.get).toBe(3);
  });

  it("after a timeout on a disposition that arrives late, says 'unconfirmed'; the payment then happens once", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "delay", ms: LATE_MS });
    const result = await client.executeForm(payer.tokens, form.id);
    expect(result.outcome).toBe("unconfirmed");
    await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined), 2 * LATE_MS);
    expect(dispositions(sb, form.id)).toBe(1);
  });

  it("a coded 500 (node unavailable) with the form still READY is reported as DropPay's error", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    const body = { code: "310", description: "PagoPA central service unavailable" };
    sb.admin.faults.inject("disposition", { kind: "error", status: 500, body });
    await expect(client.executeForm(payer.tokens, form.id)).rejects.toMatchObject({ code: "node_unavailable" });
    expect(dispositions(sb, form.id)).toBe(1);
  });

  it("a second disposition (409/310) reads the form and reports the first one's payment", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    await client.executeForm(payer.tokens, form.id);
    const second = await client.executeForm(payer.tokens, form.id);
    expect(second).toMatchObject({ outcome: "accepted", readBack: true });
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(500_000 - 103069 - 150);
  });

  it("when even the read-back fails, the outcome is unknown, and still only one disposition went out", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("disposition", { kind: "drop", after: true });
    sb.admin.faults.inject("get", { kind: "error", status: 503 }, { times: 3 });
    const error = await client.executeForm(payer.tokens, form.id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DropPayNetworkError);
    expect(error).toMatchObject({ code: "droppay_outcome_unknown" });
    expect(dispositions(sb, form.id)).toBe(1);
  });
});

describe("safe calls are retried with backoff; create is not", () => {
  it("GET comes through two 500s", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("get", { kind: "error", status: 500 }, { times: 2, formId: form.id });
    expect((await client.getForm(payer.tokens, form.id)).status).toBe("READY");
    expect(sb.admin.calls().byRoute.get).toBe(3);
  });

  it("gives up after three attempts", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("get", { kind: "error", status: 502 }, { times: 5 });
    await expect(client.getForm(payer.tokens, form.id)).rejects.toMatchObject({ status: 502, code: "server_error" });
    expect(sb.admin.calls().byRoute.get).toBe(3);
  });

  it("a PATCH whose answer was lost is sent again and lands on the same state", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("patch", { kind: "drop", after: true });
    const booked = await client.updateForm(payer.tokens, form.id, { status: "BOOKED" });
    expect(booked.status).toBe("BOOKED");
    expect(sb.admin.calls().byRoute.patch).toBe(2);
    expect(sb.admin.accounts()[0]?.reservedCents).toBe(103069 + 150);
  });

  it("a DELETE whose answer was lost is sent again and reports the form cancelled", async () => {
    const sb = await sandbox();
    const { payer, client, form } = await readyForm(sb);
    sb.admin.faults.inject("delete", { kind: "error", status: 500, after: true });
    expect((await client.deleteForm(payer.tokens, form.id)).status).toBe("DELETED");
    expect(sb.admin.calls().byRoute.delete).toBe(2);
  });

  it("a create whose answer was lost is not repeated (the DRAFT it left is the engine's to clean up)", async () => {
    const sb = await sandbox();
    const payer = account(sb, 500_000);
    sb.admin.faults.inject("create", { kind: "error", status: 500, after: true });
    await expect(clientFor(sb).createForm(payer.tokens, plainNotice)).rejects.toBeInstanceOf(DropPayApiError);
    expect(sb.admin.calls().byRoute.create).toBe(1);
    expect(sb.admin.forms().map((f) => f.status)).toEqual(["DRAFT"]);
  });
});

describe("a disposition that never left is not reported as a lost answer", () => {
  it("when the expired token cannot be refreshed, rethrows the token error and posts no disposition", async () => {
    const sb = await sandbox();
    const { connectionCode } = sb.admin.createAccount({ balanceCents: 500_000 });
    const auth = createDropPayAuth({
      baseUrl: sb.url,
      appKey: sb.app.key,
      appSecret: sb.app.secret,
      logger: recordingLogger(),
    });
    const tokens = createUserTokenSource({ auth, connectionCode });
    const client = clientFor(sb, { timeoutMs: 250 });
    const form = await client.createForm(tokens, plainNotice);
    await client.updateForm(tokens, form.id, { status: "READY" });
    sb.admin.expireTokens();
    sb.admin.faults.inject("token", { kind: "error", status: 503, body: null }, { times: 10 });
    sb.admin.resetCalls();

    const error = await client.executeForm(tokens, form.id).catch((e: unknown) => e);
    expect(error).toMatchObject({ route: "token" });
    // The one disposition the sandbox saw was refused with 401/102: nothing moved.
    expect(sb.admin.form(form.id)?.status).toBe("READY");
    expect(sb.admin.calls().byForm[form.id]?.get ?? 0).toBe(0);
  });
});

describe("token refresh (payments.md R12)", () => {
  it("20 parallel calls with a token DropPay has expired cause exactly one refresh", async () => {
    const sb = await sandbox();
    const logger = recordingLogger();
    const { connectionCode, account: acct } = sb.admin.createAccount({ balanceCents: 500_000 });
    const auth = createDropPayAuth({ baseUrl: sb.url, appKey: sb.app.key, appSecret: sb.app.secret, logger });
    const tokens = createUserTokenSource({ auth, connectionCode });
    const client = clientFor(sb, { logger });
    const form = await client.createForm(tokens, plainNotice);
    const first = tokens.current()?.accessToken;
    sb.admin.expireTokens();
    sb.admin.resetCalls();

    const forms = await Promise.all(Array.from({ length: 20 }, () => client.getForm(tokens, form.id)));
    expect(forms.every((f) => f.id === form.id && f.source?.id === acct.id)).toBe(true);
    expect(sb.admin.calls().byRoute.token).toBe(1);
    expect(sb.admin.calls().byRoute.get).toBe(40); // each call: one 401/102, one retry
    expect(tokens.current()?.accessToken).not.toBe(first);
    // tokens never reach the log
    const log = logger.lines.join("\n");
    expect(log).not.toContain(first);
    expect(log).not.toContain(tokens.current()?.accessToken);
    expect(log).not.toContain(connectionCode);
  });

  it("renews ahead of expiry, once, when 20 calls start with a token about to expire", async () => {
    const clock = createManualClock();
    const sb = await sandbox({ clock });
    const { connectionCode } = sb.admin.createAccount({ balanceCents: 500_000 });
    const auth = createDropPayAuth({
      baseUrl: sb.url,
      appKey: sb.app.key,
      appSecret: sb.app.secret,
      logger: recordingLogger(),
      clock,
    });
    const tokens = createUserTokenSource({ auth, connectionCode, clock });
    const client = clientFor(sb, { clock });
    const form = await client.createForm(tokens, plainNotice);
    clock.advance(3_550_000); // 50 s before expiry: inside the 60 s margin
    sb.admin.resetCalls();
    await Promise.all(Array.from({ length: 20 }, () => client.getForm(tokens, form.id)));
    expect(sb.admin.calls().byRoute).toMatchObject({ token: 1, get: 20 });
  });

  it("a disposition refused with 401/102 is sent again after the refresh (a 401 executed nothing)", async () => {
    const sb = await sandbox();
    const { connectionCode } = sb.admin.createAccount({ balanceCents: 500_000 });
    const auth = createDropPayAuth({
      baseUrl: sb.url,
      appKey: sb.app.key,
      appSecret: sb.app.secret,
      logger: recordingLogger(),
    });
    const tokens = createUserTokenSource({ auth, connectionCode });
    const client = clientFor(sb);
    const form = await client.createForm(tokens, plainNotice);
    await client.updateForm(tokens, form.id, { status: "READY" });
    sb.admin.expireTokens();
    expect((await client.executeForm(tokens, form.id)).outcome).toBe("accepted");
    expect(sb.admin.calls().byForm[form.id]?.disposition).toBe(2);
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(500_000 - 103069 - 150);
  });
});
