import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { formatNoticeNumber } from "../../src/notice/notice-number.ts";
import { hasChromium, launchBrowser, screenshotDir, viewports } from "./chromium.ts";
import { type RunningPagobot, startPagobot } from "./start-pagobot.ts";

// The playground's "Gruppo famiglia" on the real product (`npm start`) in Chromium: Anna sets up the family,
// Marco sends a notice, Marco's Approva is refused, Anna approves, the card ends PAID naming both, and the
// receipt is a download. The README's screenshot is refreshed only on purpose (UPDATE_SCREENSHOTS=1).

const waitMs = 30_000;
const docsShots =
  process.env.UPDATE_SCREENSHOTS === "1"
    ? fileURLToPath(new URL("../../docs/screenshots/", import.meta.url))
    : screenshotDir;
const paid = sandboxTestNotices.find((n) => n.behaviour === "paid");
if (paid === undefined) throw new Error("no paid test notice");

const cards = (page: Page): Locator => page.locator(".message.from-bot .card");
const botText = (page: Page, text: string): Locator => page.locator(".message.from-bot .text", { hasText: text });

async function speakAs(page: Page, name: "Anna" | "Marco") {
  await page.locator("#speaker-switch label", { hasText: name }).click();
}

async function type(page: Page, text: string) {
  await page.locator("#input").fill(text);
  await page.locator("#input").press("Enter");
}

describe.skipIf(!hasChromium)("the playground's family group (npm start, Chromium)", () => {
  let pagobot: RunningPagobot;
  let browser: Browser;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    [pagobot, browser] = await Promise.all([startPagobot(), launchBrowser()]);
    await mkdir(docsShots, { recursive: true });
  }, 90_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await pagobot?.stop();
  });

  it("a member's notice waits for Anna's approval; Marco cannot approve; Anna's approval pays it", async () => {
    context = await browser.newContext({ ...viewports.desktop, locale: "it-IT" });
    const page = await context.newPage();
    await page.goto(pagobot.url);
    await page.locator("body.connected").waitFor({ timeout: waitMs });
    await page.locator("label", { hasText: "Gruppo famiglia" }).click();
    await page.locator('body[data-chat="group"]').waitFor({ state: "attached", timeout: waitMs });

    await speakAs(page, "Anna");
    await type(page, "/famiglia");
    await botText(page, "Famiglia creata. Paga Anna").waitFor({ timeout: waitMs });

    await speakAs(page, "Marco");
    await type(page, `${formatNoticeNumber(paid.noticeNumber)} ${paid.fiscalCode}`);
    const card = cards(page).last();
    await card.locator(".card-line", { hasText: "Serve l'approvazione di Anna" }).waitFor({ timeout: waitMs });
    expect(await card.locator(".card-line").allTextContents()).toEqual(
      expect.arrayContaining(["Paga dal conto di Anna", "Chiesto da Marco"]),
    );
    const approve = card.getByRole("button", { name: /^Approva e paga / });
    await approve.click();
    await page.locator("#toast", { hasText: "solo Anna può approvare" }).waitFor({ timeout: waitMs });
    await page.screenshot({ path: join(docsShots, "family-approval.png") });

    await speakAs(page, "Anna");
    await approve.click();
    await card.locator(".card-line", { hasText: "Pagato ✅" }).waitFor({ timeout: waitMs });
    await botText(page, "Chiesto da Marco, approvato da Anna.").waitFor({ timeout: waitMs });
    const receipt = page.locator(".message.from-bot a[download]", { hasText: /ricevuta-pagopa-.+\.pdf/ });
    await receipt.waitFor({ timeout: waitMs });
    expect(await receipt.getAttribute("href")).toMatch(/^data:application\/pdf;base64,JVBERi0/);
    await page.screenshot({ path: join(docsShots, "family-paid.png") });
  }, 120_000);
});
