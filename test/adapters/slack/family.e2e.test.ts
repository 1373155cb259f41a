import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pdfText } from "../../helpers/pdf-text.ts";
import { corpusNotice } from "../telegram/e2e/notices.ts";
import { botShows, messageNow, privateNote } from "./e2e/conversation.ts";
import { type SlackEndToEnd, startSlackEndToEnd } from "./e2e/pagobot.ts";

/**
 * A family in a Slack channel, through the Slack peer and pagobot as `npm start` runs it (embedded sandbox, demo
 * accounts): `/paga famiglia`, a member's photo waiting for the payer, the member's Approva refused to them
 * alone, the payer's approval, PAID naming both, and the receipt uploaded as a PDF file in the card's thread.
 */
describe("a family in a Slack channel", { timeout: 90_000 }, () => {
  let e2e: SlackEndToEnd;
  beforeAll(async () => {
    e2e = await startSlackEndToEnd();
  }, 60_000);
  afterAll(async () => {
    await e2e?.pagobot.stop();
    await e2e?.peer.stop();
  });

  it("a member's photo → Anna's approval → PAID naming both", async () => {
    const anna = e2e.peer.person("Anna", { locale: "it-IT" });
    const marco = e2e.peer.person("Marco", { locale: "it-IT" });
    const family = e2e.peer.channel("famiglia-bianchi", [anna, marco]);
    await anna.slash(family, "famiglia");
    // People are named by their Slack real name ("Anna"), not their handle ("anna").
    await botShows(e2e.peer, family, (s) => /^Famiglia creata\. Paga Anna\b/.test(s.text));

    const notice = corpusNotice("dev-0094.jpg");
    marco.share(family, [{ bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" }]);
    const card = await botShows(e2e.peer, family, (s) => s.buttons.some((b) => b.startsWith("Approva e paga")));
    expect(card.text).toMatch(/Serve l'approvazione di Anna/);
    expect(card.text).toMatch(/Paga dal conto di Anna/);
    expect(card.text).toMatch(/Chiesto da Marco/);

    const mark = e2e.peer.mark();
    await marco.press(family, messageNow(e2e.peer, family, card.ts), "Approva e paga");
    await privateNote(e2e.peer, marco, (t) => /solo Anna può approvare/.test(t), mark);
    expect(messageNow(e2e.peer, family, card.ts).text).toMatch(/Serve l'approvazione di Anna/);

    await anna.press(family, messageNow(e2e.peer, family, card.ts), "Approva e paga");
    await botShows(e2e.peer, family, (s) => s.ts === card.ts && s.text.includes("Pagato ✅"));
    const paid = await botShows(e2e.peer, family, (s) => /Chiesto da Marco, approvato da Anna\./.test(s.text));
    expect(paid.threadTs).toBe(card.ts);
    const receipt = await botShows(e2e.peer, family, (s) => s.text.startsWith("Ricevuta: "));
    expect(receipt.threadTs).toBe(card.ts);
    const shared = messageNow(e2e.peer, family, receipt.ts);
    expect(shared.files).toHaveLength(1);
    const file = e2e.peer.state.files.get(shared.files?.[0] ?? "");
    expect(file?.name).toMatch(/\.pdf$/);
    expect(file?.mimetype).toBe("application/pdf");
    expect(
      Buffer.from(file?.bytes ?? [])
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");
    const iur = /IUR\W+([A-Z0-9]{6,})/.exec(messageNow(e2e.peer, family, card.ts).seen.text)?.[1];
    const total = /(\d+,\d\d)\u00a0€$/.exec(receipt.text)?.[1];
    expect(iur).toBeDefined();
    expect(total).toBeDefined();
    const text = await pdfText(file?.bytes ?? new Uint8Array());
    expect(text).toContain(iur);
    expect(text).toContain(total);
    expect(text).toMatch(/Chiesto da\s+Marco/);
    expect(text).toMatch(/Approvato da\s+Anna/);
  });
});
