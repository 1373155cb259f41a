import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { freshNoticeNumber, sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { deterministicAmountCents } from "../../src/droppay/sandbox/payees.ts";
import { computeCheckDigit } from "../../src/notice/index.ts";
import { account, clientFor, eventually, sandbox } from "./helpers.ts";

// What makes the sandbox a repeatable demo: fresh test notices, a reset, accounts that say whose they are,
// invented amounts that are stable and plausible; and the guards of its unauthenticated admin API and pages.

const paid = sandboxTestNotices.find((n) => n.behaviour === "paid");
if (paid === undefined) throw new Error("no paid test notice");

/** Pays a notice through DropPay's API, as pagobot does, and waits for the node's answer. */
async function pay(sb: Awaited<ReturnType<typeof sandbox>>, tokens: ReturnType<typeof account>["tokens"], n: string) {
  const client = clientFor(sb);
  const form = await client.createForm(tokens, { noticeNumber: n, fiscalCode: paid?.fiscalCode ?? "" });
  await client.updateForm(tokens, form.id, { status: "READY" });
  await client.executeForm(tokens, form.id);
  return eventually(async () => {
    const read = await client.getForm(tokens, form.id);
    return read.status === "PAID" ? read : undefined;
  });
}

describe("a repeatable sandbox demo", () => {
  it("gives fresh notice numbers of a test payee that are valid, new, and behave as the payee does", async () => {
    const first = freshNoticeNumber(123_456_789);
    expect(first).toMatch(/^3012026123456789\d\d$/);
    expect(first.slice(16)).toBe(computeCheckDigit(first.slice(0, 16)));
    expect(freshNoticeNumber(1)).toBe(paid.noticeNumber);
    const sb = await sandbox({ timing: { settleMs: 10 } });
    const payer = account(sb, 100_000);
    expect((await pay(sb, payer.tokens, freshNoticeNumber(5000))).status).toBe("PAID");
    expect((await pay(sb, payer.tokens, freshNoticeNumber(5001))).status).toBe("PAID");
  });

  it("reset makes paid notices payable again and gives accounts their opening balance back", async () => {
    const sb = await sandbox({ timing: { settleMs: 10 } });
    const payer = account(sb, 50_000);
    await pay(sb, payer.tokens, paid.noticeNumber);
    await expect(
      clientFor(sb).createForm(payer.tokens, { noticeNumber: paid.noticeNumber, fiscalCode: paid.fiscalCode }),
    ).rejects.toMatchObject({ status: 409 });
    expect(sb.admin.accounts()[0]?.balanceCents).toBeLessThan(50_000);
    const answer = await fetch(`${sb.url}/sandbox/v1/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(await answer.json()).toEqual({ notices_forgotten: 1, accounts_refilled: 1 });
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(50_000);
    // The same token still works: a reset never breaks what pagobot holds.
    expect((await pay(sb, payer.tokens, paid.noticeNumber)).status).toBe("PAID");
  });

  it("keeps whose an account is, and renames it on request", async () => {
    const sb = await sandbox();
    const made = await fetch(`${sb.url}/sandbox/v1/accounts`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ balance: 10, owner_name: "Demo pagobot", holder_ref: "playground:s1.anna" }),
    });
    const { account: created } = (await made.json()) as { account: { id: string; holder_ref: string } };
    expect(created.holder_ref).toBe("playground:s1.anna");
    sb.admin.nameAccount(created.id, "Anna · playground s1");
    expect(sb.admin.accounts()[0]).toMatchObject({
      ownerName: "Anna · playground s1",
      holderRef: "playground:s1.anna",
    });
  });

  it("invents a stable, plausible amount for a notice it does not know", () => {
    const fine = deterministicAmountCents("80016350821", "302016723749670000");
    expect(deterministicAmountCents("80016350821", "302016723749670000")).toBe(fine);
    const amounts = Array.from({ length: 200 }, (_, i) =>
      deterministicAmountCents(`8001635${String(i).padStart(4, "0")}`, freshNoticeNumber(i)),
    );
    for (const cents of amounts) {
      expect(cents).toBeGreaterThanOrEqual(1_500);
      expect(cents).toBeLessThanOrEqual(120_000);
    }
    // Not one amount for everything: several kinds of notice, several amounts.
    expect(new Set(amounts).size).toBeGreaterThan(50);
  });
});

/** A raw request with any Host header (fetch will not send a foreign one). */
function raw(url: string, options: { method: string; host?: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, {
      method: options.method,
      headers: { ...(options.host === undefined ? {} : { host: options.host }), ...options.headers },
    });
    req.on("response", (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("the sandbox's admin API and pages refuse what a hostile web page could send", () => {
  it("answers only to loopback host names (DNS rebinding)", async () => {
    const sb = await sandbox();
    expect(await raw(`${sb.url}/sandbox/v1/accounts`, { method: "GET", host: "evil.example:4010" })).toBe(403);
    expect(await raw(`${sb.url}/`, { method: "GET", host: "rebind.attacker.test" })).toBe(403);
    for (const host of ["localhost:4010", "127.0.0.1", "[::1]:4010"]) {
      expect(await raw(`${sb.url}/sandbox/v1/accounts`, { method: "GET", host }), host).toBe(200);
    }
  });

  it("takes only JSON on the admin API, and nothing from another site", async () => {
    const sb = await sandbox();
    const reset = (headers: Record<string, string>) =>
      raw(`${sb.url}/sandbox/v1/reset`, { method: "POST", headers, body: "{}" });
    expect(await reset({ "content-type": "text/plain" })).toBe(415);
    expect(await reset({ "content-type": "application/x-www-form-urlencoded" })).toBe(415);
    expect(await reset({})).toBe(415);
    expect(await reset({ "content-type": "application/json", origin: "https://evil.example" })).toBe(403);
    expect(await reset({ "content-type": "application/json", "sec-fetch-site": "cross-site" })).toBe(403);
    expect(await reset({ "content-type": "application/json" })).toBe(200);
  });

  it("drops a request whose body stalls instead of holding it open", async () => {
    const sb = await sandbox({ bodyIdleMs: 200 });
    const outcome = await new Promise<string>((resolve) => {
      const req = request(`${sb.url}/sandbox/v1/accounts`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "100" },
      });
      req.on("response", (res) => resolve(`answered ${res.statusCode}`));
      req.on("error", () => resolve("dropped"));
      req.write('{"balance": ');
      setTimeout(() => resolve("still open"), 3000).unref();
    });
    expect(outcome).toBe("dropped");
    expect(sb.admin.accounts()).toEqual([]);
  });

  it("leaves DropPay's own routes to their tokens", async () => {
    const sb = await sandbox();
    const payer = account(sb);
    expect(
      await raw(`${sb.url}/payments/v3/methods/pagopa/form`, {
        method: "POST",
        host: "droppay.internal",
        headers: { authorization: `Bearer ${payer.token}`, "content-type": "application/json" },
        body: JSON.stringify({ codice_avviso: paid.noticeNumber, codice_ente: paid.fiscalCode }),
      }),
    ).toBe(200);
  });
});
