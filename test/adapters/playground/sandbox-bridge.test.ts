import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { playgroundSandboxFrom } from "../../../adapters/playground/sandbox-bridge.ts";
import { createDropPayAuth } from "../../../src/droppay/auth/auth.ts";
import { defaultSandboxApp, type SandboxHandle, startSandbox } from "../../../src/droppay/sandbox/index.ts";
import { silentLogger } from "../../../src/log/logger.ts";

describe("the side panel over the real DropPay sandbox", () => {
  let sandbox: SandboxHandle;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("lists every documented test notice, with its payee, codes and the QR amount", () => {
    const notices = playgroundSandboxFrom(sandbox.admin).testNotices();
    const failed = notices.find((n) => n.id === "failed");
    expect(failed).toMatchObject({
      label: { it: "Fallito", en: "Failed" },
      payeeName: "Comune di Valfallita",
      payeeFiscalCode: "99999000021",
      noticeNumber: "301202600000000204",
      amountCents: 7500,
    });
    expect(notices.map((n) => n.id)).toContain("already-paid");
    expect(notices.every((n) => /^[A-Za-z0-9_-]{1,40}$/.test(n.id))).toBe(true);
  });

  it("shows accounts with their balance, and what booked payments hold", async () => {
    const panel = playgroundSandboxFrom(sandbox.admin);
    const { account } = sandbox.admin.createAccount({ balanceCents: 12_345, ownerName: "Anna Rossi" });
    expect((await panel.accounts()).find((a) => a.id === account.id)).toEqual({
      id: account.id,
      owner: "Anna Rossi",
      iban: account.iban,
      balanceCents: 12_345,
    });
  });

  it("grants a pending Connection from the panel, which funds a new account", async () => {
    const panel = playgroundSandboxFrom(sandbox.admin);
    const auth = createDropPayAuth({
      baseUrl: sandbox.url,
      appKey: defaultSandboxApp.key,
      appSecret: defaultSandboxApp.secret,
      logger: silentLogger,
    });
    const connection = await auth.createConnection(null);
    const pending = await panel.approvals();
    expect(pending).toContainEqual(expect.objectContaining({ id: `connection:${connection.id}`, kind: "connection" }));
    const before = (await panel.accounts()).length;
    await panel.decideApproval(`connection:${connection.id}`, true);
    expect((await auth.getConnection(connection.id)).status).toBe("GRANTED");
    expect(await panel.accounts()).toHaveLength(before + 1);
    expect((await panel.approvals()).map((a) => a.id)).not.toContain(`connection:${connection.id}`);
    // Deciding twice is a conflict the panel reports, not a crash.
    await expect(panel.decideApproval(`connection:${connection.id}`, false)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(panel.decideApproval("nothing:1", true)).rejects.toMatchObject({ code: "not_found" });
  });

  it("turns the sandbox's webhook chaos on and off", async () => {
    const panel = playgroundSandboxFrom(sandbox.admin);
    await panel.setChaos(true);
    expect(sandbox.admin.webhooks.chaos()).toEqual({ duplicate: true, reorder: true, delayMs: 1500 });
    expect(await panel.chaos()).toBe(true);
    await panel.setChaos(false);
    expect(await panel.chaos()).toBe(false);
  });
});
