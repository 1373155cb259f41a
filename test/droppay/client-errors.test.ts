import { describe, expect, it } from "vitest";
import { createDropPayAuth } from "../../src/droppay/auth/auth.ts";
import { staticTokenSource } from "../../src/droppay/auth/token-source.ts";
import { DropPayApiError, DropPayNetworkError, DropPaySchemaError } from "../../src/droppay/errors.ts";
import { defaultSandboxApp, sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { account, clientFor, eventually, plainNotice, recordingLogger, sandbox } from "./helpers.ts";

const codesOf = (behaviour: string) => {
  const n = sandboxTestNotices.find((t) => t.behaviour === behaviour);
  if (n === undefined) throw new Error(behaviour);
  return { noticeNumber: n.noticeNumber, fiscalCode: n.fiscalCode, qrText: n.qrText };
};

/** Runs a call that must fail and hands back the error. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  try {
    await call;
  } catch (error) {
    return error;
  }
  throw new Error("the call succeeded");
}

describe("every error row of droppay-api.md, through the client", () => {
  it.each([
    ["unknown", 404, "310", "notice_not_found"],
    ["already_paid", 409, "310", "notice_not_payable"],
    ["expired", 409, "312", "notice_expired"],
    ["amount_changed", 409, "313", "amount_changed"],
    ["node_unavailable", 500, "310", "node_unavailable"],
    ["node_rejected", 500, "311", "node_rejected"],
  ])("the %s test notice answers %i/%s (%s) on create", async (behaviour, status, pspCode, code) => {
    const sb = await sandbox();
    const error = await failure(clientFor(sb).createForm(account(sb).tokens, codesOf(behaviour)));
    expect(error).toBeInstanceOf(DropPayApiError);
    expect(error).toMatchObject({ status, pspCode, code, route: "create" });
    expect((error as DropPayApiError).description).toMatch(/PagoPA|payment/);
  });

  it("400/100 for malformed codes or a QR text that does not match them", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb);
    await expect(
      client.createForm(payer.tokens, { noticeNumber: "12345", fiscalCode: "80016350821" }),
    ).rejects.toMatchObject({
      status: 400,
      pspCode: "100",
      code: "bad_request",
    });
    await expect(
      client.createForm(payer.tokens, { ...plainNotice, qrText: "PAGOPA|002|302016723749670000|77777777777|100" }),
    ).rejects.toMatchObject({ status: 400, pspCode: "100" });
  });

  it("404/310 for a form that does not exist or belongs to another account", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const owner = account(sb);
    const stranger = account(sb);
    const form = await client.createForm(owner.tokens, plainNotice);
    await expect(client.getForm(owner.tokens, "PPA000000000")).rejects.toMatchObject({
      status: 404,
      code: "notice_not_found",
    });
    await expect(client.getForm(stranger.tokens, form.id)).rejects.toMatchObject({ status: 404 });
  });

  it("409/310 for a disposition of a DRAFT, a PATCH of a deleted form and a DELETE of a paid one", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb);
    const form = await client.createForm(payer.tokens, plainNotice);
    await expect(client.executeForm(payer.tokens, form.id)).rejects.toMatchObject({ status: 409, pspCode: "310" });
    expect(sb.admin.calls().byForm[form.id]?.get).toBe(1); // a 409 is read back once before it is reported
    await client.deleteForm(payer.tokens, form.id);
    await expect(client.updateForm(payer.tokens, form.id, { status: "READY" })).rejects.toMatchObject({
      status: 409,
      code: "notice_not_payable",
    });

    const rich = account(sb, 500_000);
    const paid = await client.createForm(rich.tokens, plainNotice);
    await client.updateForm(rich.tokens, paid.id, { status: "READY" });
    await client.executeForm(rich.tokens, paid.id);
    await eventually(() => (sb.admin.form(paid.id)?.status === "PAID" ? true : undefined));
    await expect(client.deleteForm(rich.tokens, paid.id)).rejects.toMatchObject({ status: 409, pspCode: "310" });
  });

  it("409/314 names the open form when the same account presents the notice again; 409/311 while it is being paid", async () => {
    const sb = await sandbox({ timing: { settleMs: 2_000, promisedMs: 60, slowMs: 400 } });
    const client = clientFor(sb);
    const payer = account(sb, 500_000);
    const first = await client.createForm(payer.tokens, plainNotice);
    const again = await failure(client.createForm(payer.tokens, plainNotice));
    expect(again).toMatchObject({ status: 409, pspCode: "314", code: "already_presented", existingFormId: first.id });

    // another person may open the same notice; once one payment runs, the next create is a duplicate
    const other = account(sb);
    await client.createForm(other.tokens, plainNotice);
    await client.updateForm(payer.tokens, first.id, { status: "READY" });
    await client.executeForm(payer.tokens, first.id);
    await expect(client.createForm(account(sb).tokens, plainNotice)).rejects.toMatchObject({
      status: 409,
      pspCode: "311",
      code: "duplicated",
    });
  });

  it("409/313 at READY when the node's amount changed after the form was made", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 500_000);
    const form = await client.createForm(payer.tokens, plainNotice);
    sb.admin.setNoticeAmount(plainNotice.fiscalCode, plainNotice.noticeNumber, 104000);
    await expect(client.updateForm(payer.tokens, form.id, { status: "READY" })).rejects.toMatchObject({
      status: 409,
      code: "amount_changed",
    });
  });

  it("409/320 when the available balance is too low for READY or BOOKED", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const poor = account(sb, 1_000);
    const form = await client.createForm(poor.tokens, plainNotice);
    for (const status of ["READY", "BOOKED"] as const) {
      await expect(client.updateForm(poor.tokens, form.id, { status })).rejects.toMatchObject({
        status: 409,
        pspCode: "320",
        code: "insufficient_balance",
        description: "Insufficient available balance",
      });
    }
    expect((await client.getForm(poor.tokens, form.id)).status).toBe("DRAFT");
  });

  it("401/102 for an expired token that cannot be refreshed", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    sb.admin.expireTokens();
    await expect(clientFor(sb).getForm(payer.tokens, "PPA000000000")).rejects.toMatchObject({
      status: 401,
      pspCode: "102",
      code: "token_expired",
    });
  });

  it("401/100 for a wrong application secret", async () => {
    const sb = await sandbox();
    const auth = createDropPayAuth({
      baseUrl: sb.url,
      appKey: defaultSandboxApp.key,
      appSecret: "wrong",
      logger: recordingLogger(),
      sleep: async () => {},
    });
    await expect(auth.applicationToken()).rejects.toMatchObject({
      status: 401,
      pspCode: "100",
      code: "bad_credentials",
    });
  });

  it("403/101 for an application token on a person's form", async () => {
    const sb = await sandbox();
    const auth = createDropPayAuth({
      baseUrl: sb.url,
      appKey: sb.app.key,
      appSecret: sb.app.secret,
      logger: recordingLogger(),
    });
    const appToken = await auth.applicationToken();
    await expect(clientFor(sb).createForm(staticTokenSource(appToken), plainNotice)).rejects.toMatchObject({
      status: 403,
      pspCode: "101",
      code: "access_denied",
    });
  });

  it("an error with no body is an API error with its status and no code, not a crash", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    sb.admin.faults.inject("create", { kind: "error", status: 400 });
    const error = await failure(clientFor(sb).createForm(payer.tokens, plainNotice));
    expect(error).toBeInstanceOf(DropPayApiError);
    expect(error).toMatchObject({ status: 400, pspCode: null, description: null, code: "bad_request" });

    // the sandbox's own answer to a request without any token is such an answer too
    const raw = await fetch(`${sb.url}/payments/v3/methods/pagopa/form/PPA000000000`);
    expect(raw.status).toBe(401);
    expect(raw.headers.get("content-type")).toBeNull();
    expect(await raw.text()).toBe("");
  });

  it("a 2xx that is not a form is a schema error", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    const fakeFetch = async () =>
      new Response(JSON.stringify({ id: "PPA1", status: "DRAFT", amount: "100" }), { status: 200 });
    const error = await failure(clientFor(sb, { fetch: fakeFetch }).getForm(payer.tokens, "PPA1"));
    expect(error).toBeInstanceOf(DropPaySchemaError);
    expect((error as DropPaySchemaError).issues.join()).toContain("amount");
  });

  it("a server that never answers is a network error (timeout), after the safe retries", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    sb.admin.faults.inject("get", { kind: "delay", ms: 600 }, { times: 3 });
    const error = await failure(clientFor(sb, { timeoutMs: 150 }).getForm(payer.tokens, "PPA000000000"));
    expect(error).toBeInstanceOf(DropPayNetworkError);
    expect(error).toMatchObject({ code: "droppay_timeout", route: "get" });
    expect(sb.admin.calls().byRoute.get).toBe(3);
  });

  it("a dropped connection is a network error", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    sb.admin.faults.inject("create", { kind: "drop" });
    const error = await failure(clientFor(sb).createForm(payer.tokens, plainNotice));
    expect(error).toMatchObject({ code: "droppay_connection_failed", route: "create" });
    expect(sb.admin.calls().byRoute.create).toBe(1); // create is never retried
  });
});
