import { describe, expect, it } from "vitest";
import { createDropPayAuth } from "../../src/droppay/auth/auth.ts";
import { createUserTokenSource } from "../../src/droppay/auth/token-source.ts";
import type { SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import { account, clientFor, eventually, plainNotice, recordingLogger, sandbox, webhookListener } from "./helpers.ts";

const authFor = (sb: SandboxHandle, logger = recordingLogger()) =>
  createDropPayAuth({ baseUrl: sb.url, appKey: sb.app.key, appSecret: sb.app.secret, logger, sleep: async () => {} });

/** Submits the sandbox page's form, as the person's browser would. */
const submit = (url: string, fields: Record<string, string>) =>
  fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });

describe("Connections: the person grants or refuses on the sandbox page", () => {
  it("links a new funded account: WAITING, the page, GRANTED with a connection code, then user tokens that pay", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    const auth = authFor(sb);
    const connection = await auth.createConnection(listener.url("link-7", "pw"));
    expect(connection).toMatchObject({ status: "WAITING", connectionCode: null });
    expect(connection.sharingUrl).toBe(`${sb.url}/u/20/${connection.id}`);
    expect(sb.admin.pendingApprovals().connections.map((c) => c.id)).toEqual([connection.id]);

    const page = await fetch(connection.sharingUrl ?? "");
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toContain("Autorizza");
    const granted = await submit(connection.sharingUrl ?? "", { action: "grant", account: "new", balance: "250,00" });
    expect(await granted.text()).toContain("Collegamento autorizzato");

    const read = await auth.getConnection(connection.id);
    expect(read.status).toBe("GRANTED");
    expect(read.connectionCode).toMatch(/^[0-9a-f]{32}$/);
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["GRANTED"]);
    expect(listener.received[0]?.headers.authorization).toBe(`Basic ${Buffer.from("link-7:pw").toString("base64")}`);

    const tokens = createUserTokenSource({ auth, connectionCode: read.connectionCode ?? "" });
    const form = await clientFor(sb).createForm(tokens, {
      noticeNumber: plainNotice.noticeNumber,
      fiscalCode: plainNotice.fiscalCode,
    });
    expect(form.source?.balanceCents).toBe(25_000);
  });

  it("links an existing account when the person picks it", async () => {
    const sb = await sandbox();
    const existing = account(sb, 80_000);
    const auth = authFor(sb);
    const connection = await auth.createConnection(null);
    await submit(connection.sharingUrl ?? "", { action: "grant", account: existing.id });
    const { connectionCode } = await auth.getConnection(connection.id);
    const tokens = createUserTokenSource({ auth, connectionCode: connectionCode ?? "" });
    expect((await clientFor(sb).createForm(tokens, plainNotice)).source?.id).toBe(existing.id);
  });

  it("a refused Connection carries no code, and cannot be granted afterwards", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    const connection = await auth.createConnection(null);
    await submit(connection.sharingUrl ?? "", { action: "refuse" });
    expect(await auth.getConnection(connection.id)).toMatchObject({ status: "REFUSED", connectionCode: null });
    const again = await submit(connection.sharingUrl ?? "", { action: "grant", account: "new" });
    expect(await again.text()).not.toContain("Autorizza");
  });

  it("a deleted Connection revokes its code: the exchange answers 403/101", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    const connection = await auth.createConnection(null);
    sb.admin.grantConnection(connection.id, { newBalanceCents: 10_000 });
    const { connectionCode } = await auth.getConnection(connection.id);
    expect((await auth.deleteConnection(connection.id)).status).toBe("DELETED");
    await expect(auth.exchangeConnectionCode(connectionCode ?? "")).rejects.toMatchObject({
      status: 403,
      code: "access_denied",
    });
  });

  it("another application cannot read a Connection (404), and an unknown code is wrong credentials (401/100)", async () => {
    const sb = await sandbox({
      apps: [
        { key: "app-a", secret: "a" },
        { key: "app-b", secret: "b" },
      ],
    });
    const logger = recordingLogger();
    const a = createDropPayAuth({ baseUrl: sb.url, appKey: "app-a", appSecret: "a", logger });
    const b = createDropPayAuth({ baseUrl: sb.url, appKey: "app-b", appSecret: "b", logger });
    const connection = await a.createConnection(null);
    await expect(b.getConnection(connection.id)).rejects.toMatchObject({ status: 404 });
    await expect(a.exchangeConnectionCode("0".repeat(32))).rejects.toMatchObject({
      status: 401,
      code: "bad_credentials",
    });
  });

  it("keeps the application token until it expires, then asks for a new one", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    await auth.createConnection(null);
    await auth.createConnection(null);
    expect(sb.admin.calls().byRoute["app-token"]).toBe(1);
    sb.admin.expireTokens();
    const third = await auth.createConnection(null);
    expect(third.status).toBe("WAITING");
    expect(sb.admin.calls().byRoute["app-token"]).toBe(2);
  });
});

describe("user tokens", () => {
  it("refresh tokens rotate; a refused refresh falls back to the connection code", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    const { connectionCode } = sb.admin.createAccount({ balanceCents: 1_000 });
    const first = await auth.exchangeConnectionCode(connectionCode);
    expect(first.refreshToken).not.toBeNull();
    const second = await auth.refresh(connectionCode, first.refreshToken ?? "");
    await expect(auth.refresh(connectionCode, first.refreshToken ?? "")).rejects.toMatchObject({
      status: 401,
      code: "token_expired",
    });

    const kept: string[] = [];
    const tokens = createUserTokenSource({
      auth,
      connectionCode,
      tokens: { ...second, refreshToken: first.refreshToken, expiresAt: 0 },
      onTokens: (t) => {
        kept.push(t.accessToken);
      },
    });
    const renewed = await tokens.accessToken();
    expect(kept).toEqual([renewed]);
    expect(sb.admin.calls().byRoute.token).toBe(5); // exchange, refresh, refused refresh, refused refresh, exchange
  });

  it("revoking a granted Connection (/scollega) ends its access token, its refresh token and its code", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    const connection = await auth.createConnection(null);
    sb.admin.grantConnection(connection.id, { newBalanceCents: 10_000 });
    const { connectionCode } = await auth.getConnection(connection.id);
    const code = connectionCode ?? "";
    const issued = await auth.exchangeConnectionCode(code);
    // One token, never renewed: what a replica still holding it would present.
    const fixed = { accessToken: async () => issued.accessToken, refresh: async (rejected: string) => rejected };
    // Before: the token opens the account (a form unknown there is a 404, not a 401).
    await expect(clientFor(sb).getForm(fixed, "PPA000000000")).rejects.toMatchObject({ status: 404 });
    expect((await auth.deleteConnection(connection.id)).status).toBe("DELETED");
    await expect(clientFor(sb).getForm(fixed, "PPA000000000")).rejects.toMatchObject({ status: 401, pspCode: "102" });
    await expect(auth.refresh(code, issued.refreshToken ?? "")).rejects.toMatchObject({ status: 401, pspCode: "102" });
    await expect(auth.exchangeConnectionCode(code)).rejects.toMatchObject({ status: 403, pspCode: "101" });
  });

  it("a revoked connection code reaches the caller as 403/101 (the link is broken; no loop)", async () => {
    const sb = await sandbox();
    const auth = authFor(sb);
    const connection = await auth.createConnection(null);
    sb.admin.grantConnection(connection.id, { newBalanceCents: 10_000 });
    const { connectionCode } = await auth.getConnection(connection.id);
    const tokens = createUserTokenSource({ auth, connectionCode: connectionCode ?? "" });
    await tokens.accessToken();
    await auth.deleteConnection(connection.id);
    sb.admin.expireTokens();
    await expect(clientFor(sb).getForm(tokens, "PPA000000000")).rejects.toMatchObject({
      status: 403,
      code: "access_denied",
    });
  });
});

describe("second factor: the disposition waits for the owner's approval", () => {
  async function pendingDisposition() {
    const sb = await sandbox({ secondFactor: true });
    const payer = account(sb, 500_000);
    const client = clientFor(sb);
    const form = await client.createForm(payer.tokens, plainNotice);
    await client.updateForm(payer.tokens, form.id, { status: "READY" });
    const result = await client.executeForm(payer.tokens, form.id);
    return { sb, payer, client, form, result };
  }

  it("answers with the form still READY: awaiting approval, listed for the owner", async () => {
    const { sb, payer, client, form, result } = await pendingDisposition();
    expect(result).toMatchObject({ outcome: "awaiting_approval", readBack: false, form: { status: "READY" } });
    expect(sb.admin.pendingApprovals().dispositions.map((f) => f.id)).toEqual([form.id]);
    // asking again changes nothing; changing the form is refused meanwhile
    expect((await client.executeForm(payer.tokens, form.id)).outcome).toBe("awaiting_approval");
    await expect(client.updateForm(payer.tokens, form.id, { status: "DRAFT" })).rejects.toMatchObject({ status: 409 });
  });

  it("runs once the owner approves on the form's page", async () => {
    const { sb, form, result } = await pendingDisposition();
    const pageUrl = result.form.sharingUrl ?? "";
    expect(pageUrl).toBe(`${sb.url}/u/10/${form.id}`);
    expect(await (await fetch(pageUrl)).text()).toContain("Approva");
    await submit(pageUrl, { action: "approve" });
    await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined));
    expect(sb.admin.pendingApprovals().dispositions).toEqual([]);
  });

  it("ends FAILED when the owner refuses, with nothing charged", async () => {
    const { sb, form } = await pendingDisposition();
    expect(sb.admin.refuseDisposition(form.id).status).toBe("FAILED");
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 500_000, reservedCents: 0 });
  });
});
