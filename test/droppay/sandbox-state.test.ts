import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { staticTokenSource } from "../../src/droppay/auth/token-source.ts";
import { ibanValid } from "../../src/droppay/sandbox/iban.ts";
import { sandboxTestNotices, startSandbox } from "../../src/droppay/sandbox/index.ts";
import { computeCheckDigit, fiscalCodeChecksumOk, parseQrPayload } from "../../src/notice/index.ts";
import { account, clientFor, eventually, plainNotice, sandbox } from "./helpers.ts";

const directories: string[] = [];
afterAll(async () => {
  for (const dir of directories) await rm(dir, { recursive: true, force: true });
});

describe("test notices", () => {
  it("each payee fiscal code and sample notice number has a valid check digit, and the QR text reads back", () => {
    for (const n of sandboxTestNotices) {
      expect(fiscalCodeChecksumOk(n.fiscalCode), n.behaviour).toBe(true);
      expect(computeCheckDigit(n.noticeNumber.slice(0, 16)), n.behaviour).toBe(n.noticeNumber.slice(16));
      const qr = parseQrPayload(n.qrText);
      expect(qr.ok && qr.value.amountCents).toBe(n.amountCents);
      expect(n.label.it && n.label.en && n.effect.it && n.effect.en).toBeTruthy();
    }
    expect(new Set(sandboxTestNotices.map((n) => n.fiscalCode)).size).toBe(sandboxTestNotices.length);
    expect(sandboxTestNotices.map((n) => n.behaviour).sort()).toEqual([
      "already_paid",
      "amount_changed",
      "expired",
      "failed",
      "node_rejected",
      "node_unavailable",
      "paid",
      "promised",
      "slow",
      "unknown",
    ]);
  });

  it("the slow payee answers create only after the configured wait", async () => {
    const sb = await sandbox();
    const slow = sandboxTestNotices.find((n) => n.behaviour === "slow");
    const started = Date.now();
    await clientFor(sb).createForm(account(sb).tokens, {
      noticeNumber: slow?.noticeNumber ?? "",
      fiscalCode: slow?.fiscalCode ?? "",
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
  });
});

describe("sandbox accounts and the /sandbox/v1 API", () => {
  it("POST /sandbox/v1/accounts creates a funded account with a valid IBAN and a token that pays", async () => {
    const sb = await sandbox();
    const response = await fetch(`${sb.url}/sandbox/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"balance": 500.00}',
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      account: { iban: string; balance: number; owner_name: string };
      access_token: string;
    };
    expect(body.account.balance).toBe(500);
    expect(body.account.iban).toMatch(/^IT\d{2}[A-Z]\d{22}$/);
    expect(ibanValid(body.account.iban)).toBe(true);
    expect(body.account.owner_name).toMatch(/\S/);
    const form = await clientFor(sb).createForm(staticTokenSource(body.access_token), {
      noticeNumber: "302016723749670000",
      fiscalCode: "80016350821",
    });
    expect(form.source?.balanceCents).toBe(50_000);
  });

  it("refuses a balance with three decimals", async () => {
    const sb = await sandbox();
    const response = await fetch(`${sb.url}/sandbox/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"balance": 1.005}',
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { code: string }).code).toBe("100");
  });

  it("faults, counters, chaos and the clock are reachable over HTTP too", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    const admin = (path: string, method: string, body?: unknown) =>
      fetch(`${sb.url}/sandbox/v1${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));
    expect((await admin("/faults", "POST", { route: "create", kind: "error", status: 503, times: 1 })).status).toBe(
      200,
    );
    await expect(clientFor(sb).createForm(payer.tokens, plainNotice)).rejects.toMatchObject({ status: 503 });
    expect((await admin("/calls", "GET")).json).toMatchObject({ byRoute: { create: 1 } });
    expect((await admin("/chaos", "PUT", { duplicate: true })).json).toEqual({
      duplicate: true,
      delay_ms: 0,
      reorder: false,
    });
    const before = sb.admin.now();
    await admin("/clock", "POST", { advance_ms: 3_601_000 });
    expect(sb.admin.now() - before).toBeGreaterThanOrEqual(3_601_000);
    await expect(clientFor(sb).createForm(payer.tokens, plainNotice)).rejects.toMatchObject({ code: "token_expired" });
    expect((await admin("/faults", "POST", { route: "nowhere", kind: "drop" })).status).toBe(400);
  });

  it("tells watchers about every change, survives a watcher that throws, and stops telling after unsubscribe", async () => {
    const sb = await sandbox();
    const payer = account(sb, 500_000);
    let changes = 0;
    const stop = sb.admin.onChange(() => {
      changes++;
    });
    sb.admin.onChange(() => {
      throw new Error("a broken panel");
    });
    const form = await clientFor(sb).createForm(payer.tokens, plainNotice);
    expect(form.status).toBe("DRAFT");
    expect(changes).toBeGreaterThan(0);
    stop();
    const seen = changes;
    sb.admin.credit(payer.id, 1_000);
    expect(changes).toBe(seen);
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(501_000);
  });

  it("the same seed gives the same ids", async () => {
    const ids = async () => {
      const sb = await sandbox({ seed: 3 });
      const payer = account(sb, 500_000);
      const form = await clientFor(sb).createForm(payer.tokens, plainNotice);
      return [payer.id, form.id, payer.token];
    };
    expect(await ids()).toEqual(await ids());
  });
});

describe("the data file", () => {
  it("keeps accounts, forms and tokens across a restart, and finishes a payment left RUNNING", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pagobot-sandbox-"));
    directories.push(dir);
    const dataFile = join(dir, "sandbox.json");
    const timing = { settleMs: 300, promisedMs: 50, slowMs: 50 };
    const first = await startSandbox({ dataFile, timing, schedulerIntervalMs: 0 });
    const payer = account(first, 500_000);
    const client = clientFor(first);
    const form = await client.createForm(payer.tokens, plainNotice);
    await client.updateForm(payer.tokens, form.id, { status: "READY" });
    await client.executeForm(payer.tokens, form.id);
    await first.close();
    const saved = await readFile(dataFile, "utf8");
    expect(saved).not.toContain(payer.token); // tokens are kept as hashes

    const second = await startSandbox({ dataFile, timing, schedulerIntervalMs: 0 });
    try {
      expect(second.admin.accounts().map((a) => a.id)).toEqual([payer.id]);
      const again = clientFor(second);
      await eventually(async () => ((await again.getForm(payer.tokens, form.id)).status === "PAID" ? true : undefined));
      expect(second.admin.accounts()[0]?.balanceCents).toBe(500_000 - 103069 - 150);
    } finally {
      await second.close();
    }
  });
});
