import type { User } from "telegraf/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../helpers/pdf-text.ts";
import { PeerChat } from "../../peers/telegram/peer.ts";
import { botShows, mark, toastAfter } from "./e2e/conversation.ts";
import { corpusNotice } from "./e2e/notices.ts";
import { type EndToEnd, startEndToEnd } from "./e2e/scenarios.ts";

/**
 * A family in a Telegram group, through the Bot API peer and pagobot as `npm start` runs it (embedded sandbox,
 * demo accounts): Anna sets up the family, Marco sends a photo of a notice, Anna approves it, the group sees
 * PAID naming both and gets the PDF receipt as a document.
 */
describe("a family in a Telegram group", () => {
  let e2e: EndToEnd | undefined;
  beforeAll(async () => {
    e2e = await startEndToEnd("webhook");
  }, 60_000);
  afterAll(async () => {
    await e2e?.pagobot.stop();
    await e2e?.peer.stop();
  });

  it("a member's photo → Serve l'approvazione di Anna → Marco's Approva refused → Anna approves → PAID naming both → receipt", async () => {
    if (e2e === undefined) throw new Error("not started");
    const { peer } = e2e;
    const anna = peer.group("Famiglia Bianchi", { first_name: "Anna", language_code: "it" }, { privacy: false });
    const marcoUser: User = { id: 7_900_001, is_bot: false, first_name: "Marco", language_code: "it" };
    const marco = new PeerChat(peer.state, anna.chat, marcoUser, false);
    anna.addBot();
    await botShows(peer, anna, (s) => s.text.includes("pagobot"));

    anna.sendText("/famiglia");
    await botShows(peer, anna, (s) => s.text.startsWith("Famiglia creata. Paga Anna, dal conto Conto demo."));

    const notice = corpusNotice("dev-0046.jpg");
    marco.sendPhoto(notice.photo);
    const card = await botShows(peer, anna, (s) => s.buttons.some((b) => b.startsWith("Approva e paga")));
    expect(card.text).toContain("Serve l'approvazione di Anna");
    expect(card.text).toContain("Paga dal conto di Anna");
    expect(card.text).toContain("Chiesto da Marco");
    expect(card.buttons.slice(0, 2)).toEqual([expect.stringMatching(/^Approva e paga /), "Rifiuta"]);

    let before = mark(peer);
    anna.press(card.messageId, "Approva e paga", { from: marcoUser });
    expect(await toastAfter(peer, anna, before)).toBe("Grazie, ma solo Anna può approvare questo pagamento.");

    before = mark(peer);
    anna.press(card.messageId, "Approva e paga");
    expect(await toastAfter(peer, anna, before)).toBe("Approvato: pago…");
    const paid = await botShows(peer, anna, (s) => s.text.includes("Chiesto da Marco, approvato da Anna."));
    expect(paid.text).toMatch(/^✅ Pagato .*\nIUR [A-Z0-9]+/);
    const receipt = await botShows(peer, anna, (s) => s.text.startsWith("📎 Ricevuta:"));
    expect(receipt.text).toMatch(/^📎 Ricevuta: .+, \d+,\d\d\u00a0€$/);
    const pdf = peer.state.message(anna.id, receipt.messageId)?.document;
    expect(
      Buffer.from(pdf ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const iur = /IUR ([A-Z0-9]+)/.exec(paid.text)?.[1] ?? "?";
    const text = await pdfText(pdf ?? new Uint8Array());
    expect(text).toContain(iur);
    expect(text).toMatch(/Chiesto da\s+Marco/);
    expect(text).toMatch(/Approvato da\s+Anna/);
  }, 90_000);
});
