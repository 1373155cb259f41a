import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSampleNotice } from "../../../adapters/playground/sample-notice.ts";
import { sandboxTestNotices } from "../../../src/droppay/sandbox/test-notices.ts";
import { formatNoticeNumber } from "../../../src/notice/notice-number.ts";
import { noticeNumber } from "../../helpers/notices.ts";
import type { PeerChannel, PeerPerson } from "../../peers/slack/peer.ts";
import { corpusNotice, euro, pdfWithImage } from "../telegram/e2e/notices.ts";
import { botShows, messageNow, privateNote, privateNotes, type Seen, shownSince } from "./e2e/conversation.ts";
import { dispositions, type SlackEndToEnd, startSlackEndToEnd } from "./e2e/pagobot.ts";

const MB = 1024 * 1024;

/** The sandbox's fee (droppay README, "Test notices"): 1,00 € up to 150,00 €, 1,50 € above. */
const feeCents = (amountCents: number) => (amountCents <= 15_000 ? 100 : 150);

function testNotice(behaviour: "paid" | "failed") {
  const notice = sandboxTestNotices.find((n) => n.behaviour === behaviour);
  if (notice === undefined) throw new Error(`the sandbox lists no ${behaviour} test notice`);
  return notice;
}

let fresh = 7_000;
/** A notice of the sandbox's always-paid payee that no earlier test paid (its amount is the sandbox's choice). */
function freshPaidNotice(): { noticeNumber: string; fiscalCode: string } {
  fresh += 1;
  return { noticeNumber: noticeNumber(fresh), fiscalCode: testNotice("paid").fiscalCode };
}

describe("pagobot on Slack end to end (HTTP mode)", { timeout: 90_000 }, () => {
  let e2e: SlackEndToEnd;
  beforeAll(async () => {
    e2e = await startSlackEndToEnd();
  }, 60_000);
  afterAll(async () => {
    await e2e?.pagobot.stop();
    await e2e?.peer.stop();
  });

  /** The card for one notice: header, the amount and total as fields, Paga and Annulla, a blue bar. */
  async function expectCard(channel: PeerChannel, amountCents: number, since = 0): Promise<Seen> {
    const total = euro(amountCents + feeCents(amountCents));
    const card = await botShows(e2e.peer, channel, (s) => s.buttons.some((b) => b.startsWith("Paga")), { since });
    expect(card.text).toContain("Avviso pagoPA");
    expect(card.text).toContain(`Importo\n${euro(amountCents)}`);
    expect(card.text).toContain(`Totale\n${total}`);
    expect(card.buttons.slice(0, 2)).toEqual([`Paga ${total}`, "Annulla"]);
    expect(card.color).toBe("#1D9BD1");
    return card;
  }

  /** A card whatever its amount: Paga <total> and Annulla. */
  async function expectSomeCard(channel: PeerChannel, since: number): Promise<Seen> {
    const card = await botShows(e2e.peer, channel, (s) => s.buttons.some((b) => b.startsWith("Paga")), { since });
    expect(card.text).toContain("Avviso pagoPA");
    expect(card.buttons.slice(0, 2)).toEqual([expect.stringMatching(/^Paga [\d.]+,\d\d\s€$/), "Annulla"]);
    return card;
  }

  async function press(person: PeerPerson, channel: PeerChannel, card: Seen, label: string) {
    return await person.press(channel, messageNow(e2e.peer, channel, card.ts), label);
  }

  async function expectPaid(channel: PeerChannel, card: Seen): Promise<Seen> {
    const paid = await botShows(e2e.peer, channel, (s) => s.ts === card.ts && s.text.includes("Pagato ✅"));
    expect(paid.text).toMatch(/IUR\n[A-Z0-9]{6,}/);
    expect(paid.buttons).toEqual([]);
    expect(paid.color).toBe("#2EB67D");
    return paid;
  }

  it("/paga with a QR's text: card, Paga pressed twice at once, one disposition, one Pagato, the card edited", async () => {
    const notice = testNotice("paid");
    const giulia = e2e.peer.person("Giulia", { locale: "it-IT" });
    const dm = e2e.peer.dm(giulia);
    const before = await dispositions(e2e.sandboxUrl);
    const start = e2e.peer.mark();
    const answer = await giulia.slash(dm, notice.qrText);
    expect(answer.status).toBe(200);
    const card = await expectCard(dm, notice.amountCents);
    expect(card.text).toContain(notice.payeeName);

    const mark = e2e.peer.mark();
    const presses = await Promise.all([press(giulia, dm, card, "Paga"), press(giulia, dm, card, "Paga")]);
    expect(presses.map((p) => p.status)).toEqual([200, 200]);
    await expectPaid(dm, card);
    const notes = privateNotes(e2e.peer, giulia, mark);
    // The card itself turns "In corso…": no private note repeats it; the second press is told privately.
    expect(notes).not.toContain("In corso…");
    expect(notes).toContain("Il pagamento è già in corso.");
    expect(await dispositions(e2e.sandboxUrl)).toBe(before + 1);
    // The card is edited to "In corso…" once: the changes it renders alike (the claim, then DropPay taking the
    // disposition) make no second identical chat.update.
    const cardEdits = e2e.peer.state.calls.filter(
      (c) => c.method === "chat.update" && c.params.channel === dm.id && c.params.ts === card.ts,
    );
    expect(cardEdits.filter((c) => JSON.stringify(c.params).includes("In corso…"))).toHaveLength(1);
    // One announcement, after the card's edit (paced, so up to seconds later under load); nothing shown twice.
    const paidPosts = () =>
      shownSince(e2e.peer, dm, mark).filter((s) => s.kind === "message" && s.text.includes("Pagato"));
    for (let waited = 0; paidPosts().length === 0 && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // A second copy would come within the outbox's pacing interval: give it that chance.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const announcements = paidPosts();
    expect(announcements).toHaveLength(1);
    expect(announcements[0]?.text).toContain(`Pagato ${euro(notice.amountCents + feeCents(notice.amountCents))}`);
    // Posted in the card's thread, so that a busy channel keeps the payment's story in one place.
    expect(announcements[0]?.threadTs).toBe(card.ts);

    const dir = process.env.SLACK_TRANSCRIPT_DIR;
    if (dir !== undefined) {
      mkdirSync(dir, { recursive: true });
      const entries = e2e.peer.state.transcript.filter((t) => t.seq > start);
      writeFileSync(join(dir, "slack-happy-path.txt"), `${e2e.peer.printTranscript(dm)}\n`);
      const cardCall = e2e.peer.state.calls.find(
        (c) => c.method === "chat.update" && String(c.params.attachments).includes("Paga"),
      );
      const { text, blocks, attachments } = cardCall?.params ?? {};
      const card = { text, blocks: JSON.parse(String(blocks)), attachments: JSON.parse(String(attachments)) };
      writeFileSync(join(dir, "slack-card.json"), `${JSON.stringify(card, null, 2)}\n`);
      expect(entries.length).toBeGreaterThan(0);
    }
  });

  it("reads a photo shared in a channel the app is in, and posts the card there", async () => {
    const notice = corpusNotice("dev-0094.jpg");
    const marco = e2e.peer.person("Marco");
    const family = e2e.peer.channel("famiglia", [marco]);
    marco.share(family, [{ bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" }]);
    const card = await expectCard(family, notice.amountsCents[0] ?? 0);
    await press(marco, family, card, "Annulla");
    const cancelled = await botShows(e2e.peer, family, (s) => s.ts === card.ts && s.text.includes("Annullato"));
    expect(cancelled.buttons).toEqual([]);
    expect(cancelled.color).toBe("#9E9E9E");
  });

  it("reads a PDF shared in a DM and pays it", async () => {
    const notice = corpusNotice("dev-0081.jpg");
    const sara = e2e.peer.person("Sara");
    const dm = e2e.peer.dm(sara);
    sara.share(dm, [
      { bytes: await pdfWithImage(notice.original), name: "avviso TARI.pdf", mimetype: "application/pdf" },
    ]);
    const card = await expectCard(dm, notice.amountsCents[0] ?? 0);
    await press(sara, dm, card, "Paga");
    await expectPaid(dm, card);
  });

  it("/paga alone opens the modal; an empty submission is refused in the modal; typed codes give the card", async () => {
    const notice = freshPaidNotice();
    const paolo = e2e.peer.person("Paolo");
    const office = e2e.peer.channel("ufficio", [paolo]);
    const mark = e2e.peer.mark();
    await paolo.slash(office, "");
    await e2e.peer.waitFor((t) => t.side === "bot" && t.kind === "modal", { since: mark });
    const modal = e2e.peer.modalOf(paolo);
    if (modal === undefined) throw new Error("no modal");
    expect(modal.seen.text).toContain("Foto o PDF dell'avviso");
    expect(modal.seen.text).toContain("Codici dell'avviso");

    const empty = await paolo.submit(modal, []);
    expect(JSON.parse(empty.body)).toEqual({
      response_action: "errors",
      errors: { notice_codes: "Carica un file o scrivi i codici dell'avviso." },
    });
    await paolo.submit(modal, [
      { block: "notice_codes", action: "codes", text: `${notice.noticeNumber} ${notice.fiscalCode}` },
    ]);
    const card = await expectSomeCard(office, mark);
    expect(card.text).toContain(formatNoticeNumber(notice.noticeNumber));
  });

  it("a modal with a photo of the notice gives its card", async () => {
    const notice = corpusNotice("dev-0023.jpg");
    const luca = e2e.peer.person("Luca");
    const dm = e2e.peer.dm(luca);
    const mark = e2e.peer.mark();
    await luca.slash(dm, "");
    await e2e.peer.waitFor((t) => t.side === "bot" && t.kind === "modal", { since: mark });
    const modal = e2e.peer.modalOf(luca);
    if (modal === undefined) throw new Error("no modal");
    await luca.submit(modal, [
      {
        block: "notice_file",
        action: "files",
        files: [{ bytes: notice.photo, name: "foto.jpg", mimetype: "image/jpeg" }],
      },
    ]);
    await expectCard(dm, notice.amountsCents[0] ?? 0, mark);
  });

  it("shows a photographed notice whose payment fails as not paid, with Riprova", async () => {
    const failing = testNotice("failed");
    const photo = await renderSampleNotice({ ...failing, payeeFiscalCode: failing.fiscalCode, description: "TARI" });
    const anna = e2e.peer.person("Anna");
    const dm = e2e.peer.dm(anna);
    anna.share(dm, [{ bytes: photo, name: "avviso.png", mimetype: "image/png" }]);
    const card = await expectCard(dm, failing.amountCents);
    await press(anna, dm, card, "Paga");
    const failed = await botShows(e2e.peer, dm, (s) => s.ts === card.ts && s.text.includes("Pagamento non riuscito"));
    expect(failed.text).not.toContain("IUR");
    expect(failed.buttons).toEqual(["Riprova"]);
    expect(failed.color).toBe("#E01E5A");
  });

  it("answers 401 to a forged signature or a 6-minute-old timestamp, and nothing happens", async () => {
    const mallory = e2e.peer.person("Mallory");
    const dm = e2e.peer.dm(mallory);
    const body = JSON.stringify({
      type: "event_callback",
      team_id: e2e.peer.state.teamId,
      event_id: "EvFORGED",
      event: { type: "message", channel: dm.id, channel_type: "im", user: mallory.id, text: "/aiuto", ts: "1.000001" },
    });
    const now = Math.floor(Date.now() / 1000);
    const forged = { ...e2e.peer.ingress.sign(body, now), "x-slack-signature": `v0=${"0".repeat(64)}` };
    const stale = e2e.peer.ingress.sign(body, now - 6 * 60);
    const mark = e2e.peer.mark();
    expect((await e2e.peer.ingress.post(body, forged)).status).toBe(401);
    expect((await e2e.peer.ingress.post(body, stale)).status).toBe(401);
    expect((await e2e.peer.ingress.post(body, {})).status).toBe(401);
    // The same body, rightly signed now, is taken: the refusals were about the signature alone.
    expect((await e2e.peer.ingress.post(body, e2e.peer.ingress.sign(body))).status).toBe(200);
    await botShows(e2e.peer, dm, (s) => s.text.includes("Non ho capito") || s.text.includes("Come si usa"), {
      since: mark,
    });
    expect(shownSince(e2e.peer, dm, mark)).toHaveLength(1);
  });

  it("answers an event Slack delivers twice (X-Slack-Retry-Num, same event_id) only once", async () => {
    const notice = freshPaidNotice();
    const teo = e2e.peer.person("Teo");
    const dm = e2e.peer.dm(teo);
    const mark = e2e.peer.mark();
    const { eventId } = teo.say(dm, `${notice.noticeNumber} ${notice.fiscalCode}`);
    await expectSomeCard(dm, mark);
    const again = await e2e.peer.ingress.redeliver(eventId ?? "", 1, "http_timeout");
    expect(again.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const posted = shownSince(e2e.peer, dm, mark).filter((s) => s.kind === "message");
    expect(posted).toHaveLength(1);
  });

  it("waits out a 429 on chat.update for its Retry-After: the card and its Pagato edit each land once", async () => {
    const notice = freshPaidNotice();
    const ugo = e2e.peer.person("Ugo");
    const dm = e2e.peer.dm(ugo);
    const injected = e2e.peer.faults.injected.length;
    e2e.peer.faults.add({
      method: "chat.update",
      fault: { kind: "rate-limit", retryAfterS: 2 },
      times: 1,
      when: (params) => params.channel === dm.id,
    });
    try {
      const mark = e2e.peer.mark();
      await ugo.slash(dm, `${notice.noticeNumber} ${notice.fiscalCode}`);
      const card = await expectSomeCard(dm, mark);
      await press(ugo, dm, card, "Paga");
      await expectPaid(dm, card);
      expect(e2e.peer.faults.injected.length - injected).toBe(1);
      const edits = shownSince(e2e.peer, dm, mark).filter((s) => s.kind === "edit");
      expect(edits.filter((s) => s.buttons.some((b) => b.startsWith("Paga")))).toHaveLength(1);
      expect(edits.filter((s) => s.text.includes("Pagato ✅"))).toHaveLength(1);
      // The refused edit went again only after the 2 s Slack asked for (the outbox's rate-limit path).
      const updates = e2e.peer.state.calls.filter((c) => c.method === "chat.update" && c.params.channel === dm.id);
      const refused = updates.findIndex((c) => c.status === 429);
      const retried = updates[refused + 1];
      expect(retried?.status).toBe(200);
      expect((retried?.atMs ?? 0) - (updates[refused]?.atMs ?? 0)).toBeGreaterThanOrEqual(1_900);
    } finally {
      e2e.peer.faults.clear();
    }
  });

  it("refuses a file Slack announces as 25 MB before downloading it", async () => {
    const rita = e2e.peer.person("Rita");
    const dm = e2e.peer.dm(rita);
    rita.share(dm, [
      { bytes: new Uint8Array(1024), name: "scansione.pdf", mimetype: "application/pdf", announcedSize: 25 * MB },
    ]);
    const refusal = await botShows(e2e.peer, dm, (s) => s.text.includes("troppo grande"));
    expect(refusal.text).toMatch(/Il file è troppo grande: il massimo è \d+ MB\./);
    const file = [...e2e.peer.state.files.values()].find((f) => f.name === "scansione.pdf");
    expect(file?.downloads).toBe(0);
    expect(file?.loginPages).toBe(0);
  });

  it("in a channel, tells only the sharer that one of their files is too big, beside the other file's card", async () => {
    const notice = corpusNotice("dev-0094.jpg");
    const piero = e2e.peer.person("Piero");
    const anna = e2e.peer.person("Anna");
    const office = e2e.peer.channel("ufficio", [piero, anna]);
    const mark = e2e.peer.mark();
    piero.share(office, [
      { bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" },
      { bytes: new Uint8Array(1024), name: "enorme.pdf", mimetype: "application/pdf", announcedSize: 25 * MB },
    ]);
    await expectCard(office, notice.amountsCents[0] ?? 0, mark);
    const note = await privateNote(e2e.peer, piero, (text) => text.includes("troppo grande"), mark);
    expect(note).toMatch(/^Il file è troppo grande: il massimo è \d+ MB\./);
    expect(shownSince(e2e.peer, office, mark).some((s) => s.text.includes("troppo grande"))).toBe(false);
    expect(privateNotes(e2e.peer, anna, mark)).toEqual([]);
  });

  it("maps /paga aiuto and /pay history to the engine's commands, in the person's language", async () => {
    const nora = e2e.peer.person("Nora");
    const dm = e2e.peer.dm(nora);
    const mark = e2e.peer.mark();
    await nora.slash(dm, "aiuto");
    await botShows(e2e.peer, dm, (s) => s.text.startsWith("Come si usa"), { since: mark });
    const emma = e2e.peer.person("Emma", { locale: "en-GB" });
    const emmaDm = e2e.peer.dm(emma);
    await emma.slash(emmaDm, "history", "/pay");
    await botShows(e2e.peer, emmaDm, (s) => s.text === "No payments in this chat yet.", { since: mark });
  });

  it("publishes the Home tab in the person's language when it is opened", async () => {
    const emma = e2e.peer.person("Emma", { locale: "en-US" });
    emma.openHome();
    await e2e.peer.waitFor((t) => t.side === "bot" && t.kind === "home" && t.user === emma.id);
    expect(e2e.peer.homeOf(emma)?.seen.text).toContain("I pay pagoPA notices for you");
  });

  it("keeps the Home tab up to date: a notice sent shows there as pending with its total, and /paga lista lists it", async () => {
    const notice = freshPaidNotice();
    const ivo = e2e.peer.person("Ivo", { locale: "it-IT" });
    const dm = e2e.peer.dm(ivo);
    const mark = e2e.peer.mark();
    await ivo.slash(dm, `${notice.noticeNumber} ${notice.fiscalCode}`);
    const card = await expectSomeCard(dm, mark);
    const total = (card.buttons[0] ?? "").replace(/^Paga /, "");
    // Published without Ivo opening the tab: the engine told the adapter one of his payments changed.
    await e2e.peer.waitFor(
      (t) => t.side === "bot" && t.kind === "home" && t.user === ivo.id && t.text.includes("da confermare"),
      { since: mark },
    );
    const home = e2e.peer.homeOf(ivo)?.seen.text ?? "";
    expect(home).toMatch(new RegExp(`Da confermare\n🧾 .+\n${total} · \\d\\d/\\d\\d/\\d{4} · da confermare`));
    await ivo.slash(dm, "lista");
    const list = await botShows(e2e.peer, dm, (s) => s.text.startsWith("I tuoi avvisi in sospeso:"), { since: mark });
    expect(list.text).toContain(`${total} · `);
  });

  it("tells whoever runs /paga in a channel the app is not in how to invite it", async () => {
    const notice = freshPaidNotice();
    const bruno = e2e.peer.person("Bruno");
    const elsewhere = e2e.peer.channel("random", [bruno], { withApp: false });
    const mark = e2e.peer.mark();
    await bruno.slash(elsewhere, `${notice.noticeNumber} ${notice.fiscalCode}`);
    const note = await privateNote(e2e.peer, bruno, (text) => text.includes("/invite @pagobot"), mark);
    expect(note).toContain("Non sono in questo canale");
  });
});
