import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSampleNotice } from "../../../../adapters/playground/sample-notice.ts";
import { sandboxTestNotices } from "../../../../src/droppay/sandbox/test-notices.ts";
import { formatCents } from "../../../../src/notice/money.ts";
import { formatNoticeNumber } from "../../../../src/notice/notice-number.ts";
import { type PeerChat, startTelegramPeer, type TelegramPeer } from "../../../peers/telegram/peer.ts";
import { botMessagesNow, botShows, mark, type Seen, toastAfter } from "./conversation.ts";
import { corpusNotice, euro, pdfWithImage, pdfWithText } from "./notices.ts";
import { freePort, type PagobotProcess, startPagobot } from "./pagobot-process.ts";

const MB = 1024 * 1024;

/** The sandbox's fee (droppay README, "Test notices"): 1,00 € up to 150,00 €, 1,50 € above. */
const feeCents = (amountCents: number) => (amountCents <= 15_000 ? 100 : 150);

export interface EndToEnd {
  peer: TelegramPeer;
  pagobot: PagobotProcess;
  webhookUrl?: string;
  secret?: string;
}

/** Starts the Bot API peer and pagobot (the real entry point) pointed at it, polling or with a webhook. */
export async function startEndToEnd(mode: "polling" | "webhook"): Promise<EndToEnd> {
  const peer = await startTelegramPeer();
  const settings: Record<string, string> = {
    TELEGRAM_BOT_TOKEN: peer.token,
    TELEGRAM_API_ROOT: peer.apiRoot,
    STORE_URL: "memory://",
    PORT: "0",
    PLAYGROUND: "off",
    LOG_LEVEL: "info",
  };
  let webhookUrl: string | undefined;
  let secret: string | undefined;
  if (mode === "webhook") {
    const port = await freePort();
    webhookUrl = `http://127.0.0.1:${port}/telegram/${randomBytes(6).toString("hex")}`;
    secret = randomBytes(24).toString("base64url");
    Object.assign(settings, { PORT: String(port), TELEGRAM_WEBHOOK_URL: webhookUrl, TELEGRAM_WEBHOOK_SECRET: secret });
  }
  const pagobot = await startPagobot(settings);
  return {
    peer,
    pagobot,
    ...(webhookUrl === undefined ? {} : { webhookUrl }),
    ...(secret === undefined ? {} : { secret }),
  };
}

/** The card for one notice: the amount, the total on Paga, and Annulla. */
async function expectCard(e2e: EndToEnd, chat: PeerChat, amountCents: number): Promise<Seen> {
  const total = euro(amountCents + feeCents(amountCents));
  const card = await botShows(e2e.peer, chat, (s) => s.buttons.some((b) => b.startsWith("Paga")));
  expect(card.text).toContain("Avviso pagoPA");
  expect(card.text).toContain(`Importo: ${euro(amountCents)}`);
  expect(card.text).toContain(`Totale: ${total}`);
  expect(card.buttons.slice(0, 2)).toEqual([`Paga ${total}`, "Annulla"]);
  return card;
}

/** Paga → the toast, the card "In corso" without buttons; resolves with the transcript mark after it. */
async function pressPay(e2e: EndToEnd, chat: PeerChat, card: Seen): Promise<void> {
  const before = mark(e2e.peer);
  chat.press(card.messageId, "Paga");
  expect(await toastAfter(e2e.peer, chat, before)).toBe("In corso…");
  const inProgress = await botShows(
    e2e.peer,
    chat,
    (s) => s.messageId === card.messageId && s.text.includes("In corso"),
  );
  expect(inProgress.buttons).toEqual([]);
}

async function expectPaid(e2e: EndToEnd, chat: PeerChat, card: Seen): Promise<void> {
  const paid = await botShows(e2e.peer, chat, (s) => s.messageId === card.messageId && s.text.includes("Pagato ✅"));
  expect(paid.text).toMatch(/IUR: [A-Z0-9]{6,}/);
  expect(paid.buttons).toEqual([]);
}

/** The card edited to "not paid": no IUR, and Riprova as its only button. */
async function expectFailed(e2e: EndToEnd, chat: PeerChat, card: Seen): Promise<void> {
  const failed = await botShows(
    e2e.peer,
    chat,
    (s) => s.messageId === card.messageId && s.text.includes("Pagamento non riuscito"),
  );
  expect(failed.text).not.toContain("IUR");
  expect(failed.buttons).toEqual(["Riprova"]);
}

/** The sandbox's test notice whose payment always ends FAILED. */
function failingNotice() {
  const failing = sandboxTestNotices.find((n) => n.behaviour === "failed");
  if (failing === undefined) throw new Error("the sandbox lists no failing test notice");
  return failing;
}

/** The whole conversation suite, run by the polling and the webhook test files alike. */
export function describeEndToEnd(mode: "polling" | "webhook", extra?: (get: () => EndToEnd) => void): void {
  describe(`pagobot on Telegram end to end (${mode})`, { timeout: 90_000 }, () => {
    let e2e: EndToEnd;
    beforeAll(async () => {
      e2e = await startEndToEnd(mode);
    }, 60_000);
    afterAll(async () => {
      await e2e?.pagobot.stop();
      await e2e?.peer.stop();
    });

    it("pays a photographed notice: card with the amount and buttons, Paga, In corso, Pagato with the IUR", async () => {
      const notice = corpusNotice("dev-0094.jpg");
      const chat = e2e.peer.privateChat({ first_name: "Giulia", language_code: "it" });
      chat.sendPhoto(notice.photo, { label: notice.file });
      const card = await expectCard(e2e, chat, notice.amountsCents[0] ?? 0);
      await pressPay(e2e, chat, card);
      await expectPaid(e2e, chat, card);
      expect(
        e2e.peer.state.transcript.some((t) => t.chatId === chat.id && t.side === "bot" && t.kind === "action"),
      ).toBe(true);
    });

    it("pays typed codes", async () => {
      const chat = e2e.peer.privateChat({ first_name: "Marco" });
      chat.sendText("Codice avviso 3012 0260 0000 0001 03, CF ente 99999000013");
      const card = await expectCard(e2e, chat, 12_050);
      await pressPay(e2e, chat, card);
      await expectPaid(e2e, chat, card);
    });

    it("shows a payment that fails as not paid, with Riprova (a forwarded PDF of the sandbox's failing notice)", async () => {
      const failing = failingNotice();
      const pdf = await pdfWithText([
        "AVVISO DI PAGAMENTO",
        `Codice Avviso: ${formatNoticeNumber(failing.noticeNumber)}`,
        `Codice fiscale Ente Creditore: ${failing.fiscalCode}`,
        `Importo: ${formatCents(failing.amountCents, "it")}`,
      ]);
      const chat = e2e.peer.privateChat({ first_name: "Anna" });
      chat.sendDocument(pdf, { fileName: "avviso.pdf", mimeType: "application/pdf", forwardedFrom: "Comune" });
      const card = await expectCard(e2e, chat, failing.amountCents);
      await pressPay(e2e, chat, card);
      await expectFailed(e2e, chat, card);
    });

    it("shows a photographed notice whose payment fails as not paid, with Riprova", async () => {
      const failing = failingNotice();
      // The notice as its payee prints it, with its real QR code (the playground's sample notice).
      const photo = await renderSampleNotice({ ...failing, payeeFiscalCode: failing.fiscalCode, description: "TARI" });
      const chat = e2e.peer.privateChat({ first_name: "Sara" });
      chat.sendPhoto(photo, { label: "failing-notice.png" });
      const card = await expectCard(e2e, chat, failing.amountCents);
      await pressPay(e2e, chat, card);
      await expectFailed(e2e, chat, card);
    });

    it("cancels a notice with Annulla: the card says Annullato and loses its buttons", async () => {
      const notice = corpusNotice("dev-0023.jpg");
      const chat = e2e.peer.privateChat({ first_name: "Luca" });
      chat.sendPhoto(notice.photo, { label: notice.file });
      const card = await expectCard(e2e, chat, notice.amountsCents[0] ?? 0);
      chat.press(card.messageId, "Annulla");
      const cancelled = await botShows(
        e2e.peer,
        chat,
        (s) => s.messageId === card.messageId && s.text.includes("Annullato"),
      );
      expect(cancelled.buttons).toEqual([]);
      expect(cancelled.text).toContain(`Importo: ${euro(notice.amountsCents[0] ?? 0)}`);
    });

    it("reads a notice from a PDF document and pays it", async () => {
      const notice = corpusNotice("dev-0081.jpg");
      const chat = e2e.peer.privateChat({ first_name: "Sara" });
      chat.sendDocument(await pdfWithImage(notice.original), {
        fileName: "avviso TARI.pdf",
        mimeType: "application/pdf",
      });
      const card = await expectCard(e2e, chat, notice.amountsCents[0] ?? 0);
      await pressPay(e2e, chat, card);
      await expectPaid(e2e, chat, card);
    });

    it("offers both instalments of a two-instalment notice, then shows the chosen one's card", async () => {
      const notice = corpusNotice("dev-0003.png");
      const chat = e2e.peer.privateChat({ first_name: "Paolo" });
      chat.sendPhoto(notice.photo, { label: notice.file });
      const amount = euro(notice.amountsCents[0] ?? 0);
      const choice = await botShows(e2e.peer, chat, (s) => s.buttons.filter((b) => b.includes(amount)).length === 2);
      expect(choice.text).toContain("più codici di pagamento");
      const first = choice.buttons.find((b) => b.includes(amount)) ?? "";
      chat.press(choice.messageId, first);
      await expectCard(e2e, chat, notice.amountsCents[0] ?? 0);
    });

    it("answers an album of two notices with one card per notice", async () => {
      const codes = [
        ["3012 0260 0000 9990 17", "80016350821"],
        ["3012 0260 0000 9990 25", "80016350821"],
      ];
      const pdfs = await Promise.all(
        codes.map(([n, cf]) => pdfWithText([`Codice Avviso: ${n}`, `Codice fiscale Ente: ${cf}`])),
      );
      const chat = e2e.peer.privateChat({ first_name: "Bruno" });
      chat.sendAlbum(
        pdfs.map((bytes, i) => ({
          kind: "document",
          bytes,
          fileName: `avviso-${i + 1}.pdf`,
          mimeType: "application/pdf",
        })),
      );
      for (const [number] of codes) {
        await botShows(
          e2e.peer,
          chat,
          (s) => s.text.includes(`Codice avviso: ${number}`) && s.buttons.some((b) => b.startsWith("Paga")),
        );
      }
      const cards = botMessagesNow(chat).filter((s) => s.text.includes("Avviso pagoPA"));
      expect(cards).toHaveLength(2);
    });

    it("refuses a 25 MB document before downloading it", async () => {
      const chat = e2e.peer.privateChat({ first_name: "Rita" });
      chat.sendDocument(new Uint8Array(25 * MB), { fileName: "scansione.pdf", mimeType: "application/pdf" });
      const refusal = await botShows(e2e.peer, chat, (s) => s.text.includes("troppo grande"));
      expect(refusal.text).toMatch(/Il file è troppo grande: il massimo è \d+ MB\./);
      const big = [...e2e.peer.state.files.values()].find((f) => f.bytes.length === 25 * MB);
      expect(big?.getFileCalls).toBe(0);
      expect(big?.downloads).toBe(0);
    });

    it("in a family group under privacy mode, pays a notice sent as a file in reply to the bot's welcome", async () => {
      const notice = corpusNotice("dev-0046.jpg");
      const group = e2e.peer.group("Famiglia Rossi", { first_name: "Nora", language_code: "it" });
      expect(group.sendPhoto(notice.photo).delivered).toBe(false);
      group.addBot();
      const welcome = await botShows(e2e.peer, group, (s) => s.text.includes("pagobot"));
      group.sendDocument(notice.original, {
        fileName: "avviso.jpg",
        mimeType: "image/jpeg",
        replyTo: welcome.messageId,
      });
      const card = await expectCard(e2e, group, notice.amountsCents[0] ?? 0);
      await pressPay(e2e, group, card);
      await expectPaid(e2e, group, card);
    });

    it("delivers every message exactly once through a 429 storm", async () => {
      const notice = corpusNotice("dev-0035.jpg");
      const chat = e2e.peer.privateChat({ first_name: "Ugo" });
      const injectedBefore = e2e.peer.faults.injected.length;
      e2e.peer.faults.add({
        method: "*",
        fault: { kind: "rate-limit", retryAfterS: 1 },
        times: 6,
        when: (params) => String(params.chat_id) === String(chat.id),
      });
      e2e.peer.faults.floodControl({ perChat: 2, windowMs: 1_500 });
      try {
        chat.sendPhoto(notice.photo, { label: notice.file });
        const card = await expectCard(e2e, chat, notice.amountsCents[0] ?? 0);
        await pressPay(e2e, chat, card);
        await expectPaid(e2e, chat, card);
      } finally {
        e2e.peer.faults.clear();
      }
      expect(e2e.peer.faults.injected.length - injectedBefore).toBeGreaterThanOrEqual(6);
      const shown = botMessagesNow(chat);
      const texts = shown.map((s) => s.text);
      expect(new Set(texts).size).toBe(texts.length);
      expect(shown.filter((s) => s.text.includes("Avviso pagoPA"))).toHaveLength(1);
    });

    extra?.(() => e2e);
  });
}
