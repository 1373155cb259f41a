import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlaygroundSandbox } from "../../adapters/playground/index.ts";
import type { Cents } from "../../src/notice/money.ts";
import { startPlayground } from "../adapters/playground/harness.ts";
import { readQr } from "../adapters/playground/read-qr.ts";
import { hasChromium, launchChromium } from "./chromium.ts";

// The page itself in real Chromium, against the scripted Engine test double: rendering, editing in place,
// escaping, switches and uploads. The whole product (real engine, sandbox, scanner) is first-run.test.ts.

const panelCalls: string[] = [];
let pending = [{ id: "connection:C1", kind: "connection" as const, summary: "DropPay Connection C1" }];

const sandbox: PlaygroundSandbox = {
  testNotices: () => [
    {
      id: "paid",
      label: { it: "Termina PAGATO", en: "Ends PAID" },
      payeeName: "Comune di Prova",
      payeeFiscalCode: "01234567890",
      noticeNumber: "301000000000000456",
      amountCents: 4200 as Cents,
      description: "Mensa scolastica",
    },
  ],
  accounts: async () => [
    { id: "a", owner: "Anna Rossi", iban: "IT60X0542811101000000123456", balanceCents: 50000 as Cents },
  ],
  approvals: async () => pending,
  decideApproval: async (id, grant) => {
    panelCalls.push(`${id}:${grant}`);
    pending = [];
  },
  // A fresh notice number per send, as the sandbox gives one: the image carries it.
  freshNotice: (id) =>
    id === "paid"
      ? {
          id: "paid",
          label: { it: "Termina PAGATO", en: "Ends PAID" },
          payeeName: "Comune di Prova",
          payeeFiscalCode: "01234567890",
          noticeNumber: "301000000000099911",
          amountCents: 4200 as Cents,
          description: "Mensa scolastica",
        }
      : undefined,
  topUp: async () => {},
  reset: async () => ({ noticesForgotten: 0, accountsRefilled: 0 }),
  nameHolders: async () => {},
  chaos: async () => panelCalls.includes("chaos:true"),
  setChaos: async (enabled) => {
    panelCalls.push(`chaos:${enabled}`);
  },
};

describe.skipIf(!hasChromium)("playground page in Chromium (scripted engine)", () => {
  let app: Awaited<ReturnType<typeof startPlayground>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    app = await startPlayground({ sandbox, maxUploadBytes: 512 * 1024 });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the progress message, replaces it with the card, and edits the card to PAGATO after Paga", async () => {
    const { page } = browser;
    await page.goto(app.url);
    await page.locator("body.connected").waitFor();
    await page
      .locator("#picker")
      .setInputFiles({ name: "avviso.png", mimeType: "image/png", buffer: Buffer.alloc(300, 1) });
    const card = page.locator(".message.from-bot .card");
    await card.locator(".card-title", { hasText: "Comune di Prova" }).waitFor();
    expect(await page.locator(".message.from-person .file-name").textContent()).toBe("avviso.png");
    expect(await page.getByText("Sto leggendo l'avviso…").count()).toBe(0);
    expect(await card.locator("dt").allTextContents()).toEqual(["Importo"]);
    expect(await card.locator("button").allTextContents()).toEqual(["Paga 1.030,69 €", "Annulla"]);

    await card.getByRole("button", { name: "Paga 1.030,69 €" }).click();
    await page.locator(".card.tone-success .card-title", { hasText: "PAGATO" }).waitFor();
    expect(await page.locator("#toast").textContent()).toBe("pressed pay:1");
    expect(await page.locator(".message.from-bot").count()).toBe(1);
    expect(await page.locator(".message.from-bot button").count()).toBe(0);
  });

  it("shows hostile view text as text: no markup, no script, no javascript: link", async () => {
    const { page } = browser;
    app.engine.card = () => ({
      type: "card",
      title: `<img src=x onerror="window.__pwned=1">`,
      fields: [{ label: "<b>Ente</b>", value: "<script>window.__pwned=2</script>" }],
      tone: "neutral",
      buttons: [[{ label: "<i>link</i>", url: "javascript:window.__pwned=3" }]],
    });
    await page.locator("#picker").setInputFiles({ name: "x.png", mimeType: "image/png", buffer: Buffer.alloc(10) });
    const title = page.locator(".card-title", { hasText: "<img src=x" });
    await title.waitFor();
    const card = page.locator(".card", { has: title });
    expect(await card.locator("img, script, b, i, a").count()).toBe(0);
    expect(await card.locator("dd").textContent()).toBe("<script>window.__pwned=2</script>");
    expect(await card.locator(".btn.disabled").textContent()).toBe("<i>link</i>");
    expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it("switches to English: the engine is told, and the page's own text follows", async () => {
    const { page } = browser;
    await page.locator("label", { hasText: "EN" }).click();
    await page.locator("#input[placeholder^='Type or paste']").waitFor();
    await expect.poll(() => app.engine.events.at(-1)).toMatchObject({ type: "command", name: "language", args: "en" });
    expect(app.engine.events.at(-1)?.from.locale).toBe("en");
    await page.locator("#input").fill("302016723749670000");
    await page.locator("#input").press("Enter");
    await expect.poll(() => app.engine.events.at(-1)).toMatchObject({ type: "text", text: "302016723749670000" });
    expect(app.engine.events.at(-1)?.from.locale).toBe("en");
  });

  it("plays two family members in one group chat", async () => {
    const { page } = browser;
    await page.locator("label", { hasText: "Family group" }).click();
    await page.locator("label", { hasText: "Marco" }).click();
    await page.locator("#input").fill("ecco l'avviso della mensa");
    await page.locator("#input").press("Enter");
    await page.locator(".message.from-person .sender", { hasText: "You" }).waitFor();
    await page.locator("label", { hasText: "Anna" }).click();
    await page.locator(".message.from-person.theirs .sender", { hasText: "Marco" }).waitFor();
    const event = app.engine.events.at(-1);
    expect(event?.chat).toMatchObject({ platform: "playground", kind: "group" });
    expect(event?.chat.chatId).toMatch(/\.family$/);
    expect(event?.from.userId).toMatch(/\.marco$/);
    await page.locator("label", { hasText: "Private chat" }).click();
  });

  it("only announces a file over the cap, and shows the engine's refusal", async () => {
    const { page } = browser;
    const before = app.engine.events.length;
    await page
      .locator("#picker")
      .setInputFiles({ name: "huge.jpg", mimeType: "image/jpeg", buffer: Buffer.alloc(600 * 1024) });
    await page.locator(".message.from-bot .text", { hasText: "File troppo grande" }).waitFor();
    const event = app.engine.events[before];
    expect(event?.type === "files" && event.files[0]?.sizeBytes).toBe(600 * 1024);
  });

  it("sends a sandbox test notice's image to the chat, with its real QR code", async () => {
    const { page } = browser;
    const before = app.engine.events.length;
    const notice = page.locator(".test-notice", { hasText: "Ends PAID" });
    await notice.waitFor();
    expect(await notice.locator(".notice-payee").textContent()).toBe("Comune di Prova · €42.00");
    await notice.getByRole("button", { name: "Send to chat" }).click();
    await page.locator(".message.from-person .file-name", { hasText: "avviso-paid.png" }).waitFor();
    const event = app.engine.events[before];
    if (event?.type !== "files") throw new Error("expected the notice image as a file");
    const bytes = await event.files[0]?.download(1024 * 1024);
    // Not the listed sample number: each send is a new notice of the same payee.
    expect(await readQr(Buffer.from(bytes ?? []))).toBe("PAGOPA|002|301000000000099911|01234567890|4200");
  });

  it("lets the person approve a pending DropPay request and switch webhook chaos on from the panel", async () => {
    const { page } = browser;
    const approval = page.locator(".approval", { hasText: "DropPay Connection C1" });
    await approval.getByRole("button", { name: "Approve" }).click({ timeout: 5000 });
    await approval.waitFor({ state: "detached", timeout: 5000 });
    await page.locator(".chaos input").check({ timeout: 5000 });
    await expect.poll(() => panelCalls).toEqual(["connection:C1:true", "chaos:true"]);
    expect(await page.locator(".chaos input").isChecked()).toBe(true);
  });
});
