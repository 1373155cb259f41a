import { afterEach, describe, expect, it } from "vitest";
import type { PlaygroundSandbox } from "../../../adapters/playground/index.ts";
import type { Cents } from "../../../src/notice/money.ts";
import { postJson, startPlayground } from "./harness.ts";
import { readQr } from "./read-qr.ts";

/** An in-memory sandbox panel port; the real one is the DropPay sandbox's. */
function fakeSandbox() {
  const calls: string[] = [];
  let chaos = false;
  const notice = {
    id: "fails",
    label: { it: "Termina FALLITO", en: "Ends FAILED" },
    payeeName: "ASL Roma 1",
    payeeFiscalCode: "13664791004",
    noticeNumber: "301000000000000123",
    amountCents: 123456 as Cents,
    description: "Ticket sanitario",
  };
  const sandbox: PlaygroundSandbox = {
    testNotices: () => [notice],
    accounts: async () => [
      { id: "a1", owner: "Anna Rossi", iban: "IT60X0542811101000000123456", balanceCents: 50000 as Cents },
    ],
    approvals: async () => [{ id: "c1", kind: "connection", summary: "pagobot wants to link Anna Rossi" }],
    decideApproval: async (id, grant) => {
      calls.push(`${id}:${grant}`);
    },
    freshNotice: (id) => (id === "fails" ? { ...notice, noticeNumber: "301000000000099977" } : undefined),
    topUp: async (id, cents) => {
      calls.push(`top-up:${id}:${cents}`);
    },
    reset: async () => {
      calls.push("reset");
      return { noticesForgotten: 1, accountsRefilled: 1 };
    },
    nameHolders: async () => {},
    chaos: async () => chaos,
    setChaos: async (enabled) => {
      chaos = enabled;
      calls.push(`chaos:${enabled}`);
    },
  };
  return { sandbox, calls };
}

describe("playground page and sandbox panel", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
  });

  it("serves the page with a policy that forbids inline scripts, and only its own assets", async () => {
    const app = await startPlayground();
    close = app.close;
    const page = await fetch(`${app.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain('<script type="module" src="/assets/app.js">');
    const script = await fetch(`${app.url}/assets/app.js`);
    expect([script.status, script.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    for (const path of ["/assets/index.ts", "/assets/..%2Fchat-hub.ts", "/assets/secret.js", "/index.html"]) {
      expect((await fetch(`${app.url}${path}`)).status, path).toBe(404);
    }
  });

  it("lists test notices, accounts and approvals with amounts in the page's language", async () => {
    const { sandbox } = fakeSandbox();
    const app = await startPlayground({ sandbox });
    close = app.close;
    const it = (await (await fetch(`${app.url}/api/sandbox?locale=it`)).json()) as Record<string, unknown>;
    expect(it).toMatchObject({
      available: true,
      chaos: false,
      notices: [
        {
          id: "fails",
          label: "Termina FALLITO",
          amount: "1.234,56\u00a0€",
          noticeNumber: "3010 0000 0000 0001 23",
          image: "/api/sandbox/notices/fails.png",
        },
      ],
      accounts: [{ owner: "Anna Rossi", balance: "500,00\u00a0€" }],
      approvals: [{ id: "c1", summary: "pagobot wants to link Anna Rossi" }],
    });
    const en = (await (await fetch(`${app.url}/api/sandbox?locale=en`)).json()) as { notices: { label: string }[] };
    expect(en.notices[0]?.label).toBe("Ends FAILED");
  });

  it("renders each test notice as a downloadable image with its real QR code", async () => {
    const app = await startPlayground({ sandbox: fakeSandbox().sandbox });
    close = app.close;
    const response = await fetch(`${app.url}/api/sandbox/notices/fails.png?download=1`);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="avviso-fails.png"');
    expect(await readQr(Buffer.from(await response.arrayBuffer()))).toBe(
      "PAGOPA|002|301000000000000123|13664791004|123456",
    );
    expect((await fetch(`${app.url}/api/sandbox/notices/nope.png`)).status).toBe(404);
  });

  it("passes approvals and the chaos switch through to the sandbox", async () => {
    const { sandbox, calls } = fakeSandbox();
    const app = await startPlayground({ sandbox });
    close = app.close;
    expect((await postJson(`${app.url}/api/sandbox/approvals/c1`, { grant: true })).status).toBe(200);
    // The page percent-encodes ids such as "connection:C1".
    expect((await postJson(`${app.url}/api/sandbox/approvals/connection%3AC1`, { grant: false })).status).toBe(200);
    expect((await postJson(`${app.url}/api/sandbox/approvals/a%2Fb`, { grant: false })).status).toBe(400);
    expect((await postJson(`${app.url}/api/sandbox/chaos`, { enabled: true })).body).toEqual({ ok: true, chaos: true });
    expect((await postJson(`${app.url}/api/sandbox/chaos`, { enabled: "yes" })).status).toBe(400);
    expect(calls).toEqual(["c1:true", "connection:C1:false", "chaos:true"]);
  });

  it("says there is no sandbox when pagobot talks to a real DropPay", async () => {
    const app = await startPlayground();
    close = app.close;
    expect(await (await fetch(`${app.url}/api/sandbox`)).json()).toEqual({ available: false });
    expect((await postJson(`${app.url}/api/sandbox/chaos`, { enabled: true })).status).toBe(404);
  });
});
