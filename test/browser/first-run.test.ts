import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { en } from "../../src/i18n/en.ts";
import { it as italian } from "../../src/i18n/it.ts";
import { formatCents } from "../../src/notice/money.ts";
import { formatNoticeNumber } from "../../src/notice/notice-number.ts";
import { parseQrPayload } from "../../src/notice/qr-payload.ts";
import { hasChromium, launchChromium, screenshotDir } from "./chromium.ts";
import { type NoticeImage, noticePhotos, type RunningPagobot, startPagobot } from "./start-pagobot.ts";

// The newcomer's first minute: `npm start` with no settings, the playground in Chromium, a photographed notice
// dropped in, the card, Paga, PAID; the same in English; then a sandbox test notice that fails. What is asserted
// is what the page shows, in the engine's own words (src/i18n).

const waitMs = 30_000;

const testMs = 90_000;

/** The chat's cards, oldest first. */
const cards = (page: Page): Locator => page.locator(".message.from-bot .card");

/** Waits until card number `index` (0 = the chat's first) shows the status line `status`. */
async function cardWithStatus(page: Page, index: number, status: string): Promise<Locator> {
  const card = cards(page).nth(index);
  await card.locator(".card-line", { hasText: status }).waitFor({ timeout: waitMs });
  return card;
}

/** Sends a sandbox test notice's sample image from the panel (when no notice photo is at hand). */
async function sendTestNotice(page: Page, behaviour: string, button: string): Promise<void> {
  const notice = sandboxTestNotices.find((n) => n.behaviour === behaviour);
  if (notice === undefined) throw new Error(`no ${behaviour} test notice`);
  const row = page.locator(".test-notice", {
    has: page.locator(".notice-number", { hasText: formatNoticeNumber(notice.noticeNumber) }),
  });
  await row.getByRole("button", { name: button }).click();
}

/** The amount encoded in a notice photo's QR code, as the card prints it. */
function amountOf(image: NoticeImage, locale: "it" | "en"): string {
  const parsed = parseQrPayload(image.payload);
  if (!parsed.ok || parsed.value.amountCents === null) throw new Error(`not a pagoPA payload: ${image.payload}`);
  return formatCents(parsed.value.amountCents, locale);
}

/** The card's field values by label. */
async function fieldsOf(card: Locator): Promise<Record<string, string>> {
  const labels = await card.locator("dt").allTextContents();
  const values = await card.locator("dd").allTextContents();
  return Object.fromEntries(labels.map((label, i) => [label, values[i] ?? ""]));
}

describe.skipIf(!hasChromium)("first run: npm start, then pay a notice in the playground", () => {
  let pagobot: RunningPagobot;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let photos: NoticeImage[];
  beforeAll(async () => {
    [pagobot, browser, photos] = await Promise.all([startPagobot(), launchChromium(), noticePhotos(2)]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await pagobot?.stop();
  });

  it("prints the running surfaces and the playground's URL", () => {
    expect(pagobot.output()).toMatch(/pagobot is running\n\s+playground\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(pagobot.output()).toMatch(/payments\s+DropPay sandbox at http:\/\/127\.0\.0\.1:\d+ \(no real money\)/);
  });

  it(
    "reads a photographed notice, shows the card, and after Paga shows it paid (Italian)",
    async () => {
      const { page } = browser;
      await page.goto(pagobot.url);
      await page.locator("body.connected").waitFor();
      const photo = photos[0];
      if (photo !== undefined) await page.locator("#picker").setInputFiles(photo.path);
      else await sendTestNotice(page, "paid", "Invia in chat");

      const card = await cardWithStatus(page, 0, italian.card.statusToConfirm);
      const fields = await fieldsOf(card);
      if (photo !== undefined) expect(fields[italian.card.amount]).toBe(amountOf(photo, "it"));
      const pay = card.getByRole("button", { name: italian.buttons.pay(fields[italian.card.total] ?? "") });
      expect(await card.getByRole("button", { name: italian.buttons.cancel }).count()).toBe(1);
      await page.screenshot({ path: join(screenshotDir, "card-it.png") });

      await pay.click();
      const paid = await cardWithStatus(page, 0, italian.card.statusPaid);
      expect(await paid.evaluate((el) => el.classList.contains("tone-success"))).toBe(true);
      expect(await paid.locator("button").count()).toBe(0);
      expect(Object.keys(await fieldsOf(paid))).toContain(italian.card.iur);
      // One card, edited in place from "check and press Paga" to paid: no second card for the same notice.
      expect(await cards(page).count()).toBe(1);
      await page.locator(".message.from-bot .text", { hasText: "✅ Pagato" }).waitFor({ timeout: waitMs });
      await page.screenshot({ path: join(screenshotDir, "paid-it.png") });
    },
    testMs,
  );

  it(
    "does the same in English after the language switch",
    async () => {
      const { page } = browser;
      await page.locator("label", { hasText: "EN" }).click();
      await page.locator("#input[placeholder^='Type or paste']").waitFor();
      const photo = photos[1];
      if (photo !== undefined) await page.locator("#picker").setInputFiles(photo.path);
      else await sendTestNotice(page, "promised", "Send to chat");

      const card = await cardWithStatus(page, 1, en.card.statusToConfirm);
      const fields = await fieldsOf(card);
      if (photo !== undefined) expect(fields[en.card.amount]).toBe(amountOf(photo, "en"));
      await page.screenshot({ path: join(screenshotDir, "card-en.png") });
      await card.getByRole("button", { name: en.buttons.pay(fields[en.card.total] ?? "") }).click();
      const paid = await cardWithStatus(page, 1, en.card.statusPaid);
      expect(await paid.locator("button").count()).toBe(0);
      await page.screenshot({ path: join(screenshotDir, "paid-en.png") });
    },
    testMs,
  );

  it(
    "shows a sandbox test notice that fails as failed, with Retry",
    async () => {
      const { page } = browser;
      const failing = sandboxTestNotices.find((n) => n.behaviour === "failed");
      if (failing === undefined) throw new Error("the sandbox has no failing test notice");
      await sendTestNotice(page, "failed", "Send to chat");
      const card = await cardWithStatus(page, 2, en.card.statusToConfirm);
      expect((await fieldsOf(card))[en.card.payee]).toBe(failing.payeeName);
      expect((await fieldsOf(card))[en.card.amount]).toBe(formatCents(failing.amountCents, "en"));
      const total = (await fieldsOf(card))[en.card.total] ?? "";
      await card.getByRole("button", { name: en.buttons.pay(total) }).click();
      const failed = await cardWithStatus(page, 2, en.card.statusFailed);
      expect(await failed.evaluate((el) => el.classList.contains("tone-failure"))).toBe(true);
      expect(await failed.getByRole("button", { name: en.buttons.retry }).count()).toBe(1);
      await page.screenshot({ path: join(screenshotDir, "failed-en.png") });
    },
    testMs,
  );
});
