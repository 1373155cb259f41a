import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxTestNotices } from "../../../src/droppay/sandbox/test-notices.ts";
import { corpusNotice, euro } from "../telegram/e2e/notices.ts";
import { botShows, messageNow, privateNotes, shownSince } from "./e2e/conversation.ts";
import { dispositions, type SlackEndToEnd, startSlackEndToEnd } from "./e2e/pagobot.ts";

describe("pagobot on Slack end to end (Socket Mode)", { timeout: 90_000 }, () => {
  let e2e: SlackEndToEnd;
  beforeAll(async () => {
    e2e = await startSlackEndToEnd({ socketMode: true });
  }, 60_000);
  afterAll(async () => {
    await e2e?.pagobot.stop();
    await e2e?.peer.stop();
  });

  it("connects over apps.connections.open, with nothing posted to a Request URL", () => {
    expect(e2e.peer.socket?.connected).toBe(true);
    expect(e2e.peer.state.calls.filter((c) => c.method === "apps.connections.open" && c.status === 200)).toHaveLength(
      1,
    );
  });

  it("/paga with a QR's text, Paga pressed twice at once: one disposition, the card edited to paid", async () => {
    const notice = sandboxTestNotices.find((n) => n.behaviour === "paid");
    if (notice === undefined) throw new Error("no paid test notice");
    const giulia = e2e.peer.person("Giulia");
    const dm = e2e.peer.dm(giulia);
    const before = await dispositions(e2e.sandboxUrl);
    const answer = await giulia.slash(dm, notice.qrText);
    expect(answer.status).toBe(200);
    const total = euro(notice.amountCents + 100);
    const card = await botShows(e2e.peer, dm, (s) => s.buttons.includes(`Paga ${total}`));
    expect(card.text).toContain(`Importo\n${euro(notice.amountCents)}`);
    const mark = e2e.peer.mark();
    const message = messageNow(e2e.peer, dm, card.ts);
    await Promise.all([giulia.press(dm, message, "Paga"), giulia.press(dm, message, "Paga")]);
    const paid = await botShows(e2e.peer, dm, (s) => s.ts === card.ts && s.text.includes("Pagato ✅"));
    expect(paid.buttons).toEqual([]);
    expect(privateNotes(e2e.peer, giulia, mark)).toContain("Il pagamento è già in corso.");
    expect(await dispositions(e2e.sandboxUrl)).toBe(before + 1);
    // Nothing went to a Request URL: every delivery travelled over the socket.
    expect(e2e.peer.ingress.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it("reads a photo shared in a channel, and a redelivered envelope gives no second card", async () => {
    const notice = corpusNotice("dev-0094.jpg");
    const marco = e2e.peer.person("Marco");
    const family = e2e.peer.channel("famiglia", [marco]);
    const mark = e2e.peer.mark();
    const { eventId } = marco.share(family, [{ bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" }]);
    await botShows(e2e.peer, family, (s) => s.buttons.some((b) => b.startsWith("Paga")), { since: mark });
    expect((await e2e.peer.ingress.redeliver(eventId ?? "", 1, "timeout")).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(shownSince(e2e.peer, family, mark).filter((s) => s.kind === "message")).toHaveLength(1);
  });
});
