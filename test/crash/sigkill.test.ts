import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, describe, expect, it } from "vitest";
import { projected } from "../../src/engine/payment-machine.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { openKv } from "../../src/store/open-kv.ts";
import { noticeNumber, ordinaryPayee } from "../helpers/notices.ts";
import { type PeerChat, startTelegramPeer, type TelegramPeer } from "../peers/telegram/peer.ts";
import { cardOf, chatState, linkAccount, median, paidShown, sandboxForms } from "./chats.ts";
import { type Child, freePort, startPagobotProcess, startSandboxProcess } from "./processes.ts";

/**
 * pagobot killed with SIGKILL at random moments between a Paga press and the PAID message, then started again on
 * the same SQLite store: every payment must end PAID with one disposition, one PAID message and its card edited
 * to "Pagato ✅", within 10 s of the restart. pagobot and the DropPay sandbox each run in their own process, as
 * `npm start` and `npm run sandbox` run them; the chat is the Telegram Bot API peer.
 *
 * Each round opens PER_ROUND cards (one family group each, the same linked person), presses Paga on them a
 * little apart, and kills pagobot at a random moment of the next 1.6 s, so one kill hits payments at several
 * points of their way. What each payment's record showed at the kill (the kill point) is read from the store
 * while pagobot is down. Figures are printed at the end (PAGOBOT_CRASH_ROUNDS changes the number of rounds).
 */

const ROUNDS = Number(process.env.PAGOBOT_CRASH_ROUNDS ?? 8);
const PER_ROUND = 4;
const PRESS_GAP_MS = 150;
const KILL_WINDOW_MS = 1_600;
const RECOVERY_LIMIT_MS = 10_000;
const CARD_LIMIT_MS = 30_000;

const maria = { id: 7_300_001, first_name: "Maria", language_code: "it" };

/** What a payment's record showed when the process died. */
function killPoint(p: PaymentRecord | undefined, shownPaid: boolean): string {
  if (p === undefined) return "no record";
  if (p.phase === "closed") {
    if (!projected(p)) return "PAID recorded, its card and message not queued";
    return shownPaid ? "PAID shown" : "PAID queued, not yet sent";
  }
  if (p.phase === "executing") {
    if (p.status === "RUNNING" || p.status === "PROMISED") return "disposition accepted (RUNNING)";
    return p.executeAnswered ? "disposition answered" : "disposition claimed, no answer";
  }
  return p.phase === "open" ? "press not yet claimed" : p.phase;
}

describe("a pagobot process killed (SIGKILL) between Paga and PAID", () => {
  const dir = mkdtempSync(join(tmpdir(), "pagobot-crash-"));
  const children: Child[] = [];
  let peer: TelegramPeer | undefined;
  afterAll(async () => {
    for (const child of children.reverse()) await child.kill();
    await peer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "pays each payment once, announces it once, never leaves a card 'In corso…', recovers within 10 s",
    async () => {
      peer = await startTelegramPeer();
      const telegram = peer;
      const sandbox = await startSandboxProcess({ dataFile: join(dir, "droppay-sandbox.json"), settleMs: 300 });
      children.push(sandbox.child);
      const storeFile = join(dir, "pagobot.sqlite");
      const settings = {
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        STORE_URL: `sqlite://${storeFile}`,
        // The same port across restarts: the sandbox's webhooks keep finding pagobot.
        PORT: String(await freePort()),
        PLAYGROUND: "off",
        LOG_LEVEL: "info",
        DROPPAY_BASE_URL: sandbox.url,
        DROPPAY_APP_KEY: sandbox.appKey,
        DROPPAY_APP_SECRET: sandbox.appSecret,
      };
      const start = async () => {
        const bot = await startPagobotProcess(settings);
        children.push(bot.child);
        return bot;
      };
      let bot = await start();

      // Maria links her (sandbox) DropPay account once: /collega, then she grants it on the sandbox.
      await linkAccount(telegram, sandbox.url, maria);

      const points = new Map<string, number>();
      const recoveries: number[] = [];
      const groups: { chat: PeerChat; notice: string }[] = [];
      let n = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const batch: { chat: PeerChat; notice: string }[] = [];
        for (let i = 0; i < PER_ROUND; i++) {
          n++;
          const chat = telegram.group(`Famiglia ${n}`, maria, { privacy: false });
          const notice = noticeNumber(9_000 + n);
          chat.sendText(`${notice} ${ordinaryPayee}`);
          batch.push({ chat, notice });
        }
        const cards = await Promise.all(
          // A card that never comes fails here, with what the chat and pagobot showed, not at the test's timeout.
          batch.map(({ chat }) => cardOf(telegram, chat, CARD_LIMIT_MS, () => bot.child.lines.slice(-40).join("\n"))),
        );
        // Paga on each card, a little apart; the kill falls somewhere in the window that follows.
        const killAt = Math.random() * KILL_WINDOW_MS;
        const started = Date.now();
        cards.forEach((card, i) => {
          setTimeout(() => {
            batch[i]?.chat.press(card.messageId, "Paga");
          }, i * PRESS_GAP_MS);
        });
        await sleep(Math.max(0, killAt - (Date.now() - started)));
        await bot.child.kill();
        // A press that had not left yet when the process died is made after the restart (by the timer above).
        await sleep(Math.max(0, (PER_ROUND - 1) * PRESS_GAP_MS - (Date.now() - started)) + 20);

        // What each payment's record says now, with pagobot down.
        const kv = openKv(`sqlite://${storeFile}`);
        const store = createEngineStore(kv);
        const records = new Map<string, PaymentRecord>();
        for (const id of await store.payments.ids()) {
          const p = await store.payments.get(id);
          if (p !== undefined) records.set(p.notice.noticeNumber, p);
        }
        await kv.close();
        for (const { chat, notice } of batch) {
          const point = killPoint(records.get(notice), paidShown(chat));
          points.set(point, (points.get(point) ?? 0) + 1);
        }

        bot = await start();
        const upAt = bot.upAt;
        await Promise.all(
          batch.map(async ({ chat }) => {
            const wasDone = paidShown(chat);
            while (!paidShown(chat)) {
              if (Date.now() - upAt > RECOVERY_LIMIT_MS + 20_000) break;
              await sleep(25);
            }
            if (!wasDone) recoveries.push(Date.now() - upAt);
          }),
        );
        groups.push(...batch);
      }

      // Let the last round's deliveries and any late duplicates have their chance to show.
      await sleep(1_500);
      const forms = await sandboxForms(sandbox.url);

      const report = [
        `SIGKILL crash test: ${groups.length} payments in ${ROUNDS} kills`,
        ...[...points.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([point, count]) => `  kill point: ${point} × ${count}`),
        `  recoveries measured: ${recoveries.length}, median ${median(recoveries)} ms, max ${Math.max(0, ...recoveries)} ms (from "pagobot is up" to the PAID card and message)`,
      ].join("\n");
      process.stdout.write(`${report}\n`);

      for (const { chat } of groups) {
        const { card, paidMessages } = chatState(chat);
        const transcript = `${telegram.printTranscript(chat.id)}\n${bot.child.lines.slice(-60).join("\n")}`;
        expect(card, transcript).toContain("Pagato ✅");
        expect(card).not.toMatch(/In corso…|In attesa dell'esito/);
        expect(paidMessages, transcript).toBe(1);
      }
      expect(forms).toHaveLength(groups.length);
      for (const form of forms) {
        expect(form.status, `form ${form.id}`).toBe("PAID");
        expect(form.dispositions, `dispositions of ${form.id}`).toBe(1);
      }
      expect(Math.max(0, ...recoveries)).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
    },
    ROUNDS * 40_000 + 60_000,
  );
});
