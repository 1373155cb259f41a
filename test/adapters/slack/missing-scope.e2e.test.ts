import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusNotice } from "../telegram/e2e/notices.ts";
import { botShows, privateNotes, shownSince } from "./e2e/conversation.ts";
import { type SlackEndToEnd, startSlackEndToEnd } from "./e2e/pagobot.ts";

describe("pagobot on Slack installed without files:read", { timeout: 90_000 }, () => {
  let e2e: SlackEndToEnd;
  beforeAll(async () => {
    e2e = await startSlackEndToEnd({
      scopes: ["commands", "chat:write", "users:read", "im:history", "channels:history", "groups:history"],
    });
  }, 60_000);
  afterAll(async () => {
    await e2e?.pagobot.stop();
    await e2e?.peer.stop();
  });

  it("explains, to the person who shared the photo, that the app needs files:read: once, nothing else", async () => {
    const notice = corpusNotice("dev-0094.jpg");
    const vera = e2e.peer.person("Vera");
    const dm = e2e.peer.dm(vera);
    const mark = e2e.peer.mark();
    vera.share(dm, [{ bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" }]);
    const told = await botShows(e2e.peer, dm, (s) => s.text.includes("files:read"), { since: mark });
    expect(told.text).toBe(
      "Non posso leggere i file: all'app manca il permesso files:read. Chiedi a chi amministra lo spazio di lavoro " +
        "di aggiungerlo (reinstallando l'app dal manifest di pagobot), oppure scrivi i codici dell'avviso.",
    );
    // The engine's message replaces "Sto leggendo l'avviso…": no second explanation, no generic download error.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const texts = shownSince(e2e.peer, dm, mark).map((s) => s.text);
    expect(texts.filter((t) => t.includes("files:read"))).toHaveLength(1);
    expect(texts.some((t) => t.includes("Non sono riuscito a scaricare il file"))).toBe(false);
    expect(privateNotes(e2e.peer, vera, mark)).toEqual([]);
    const file = [...e2e.peer.state.files.values()].find((f) => f.name === "avviso.jpg");
    expect(file?.loginPages).toBe(1);
    expect(file?.downloads).toBe(0);
  });

  it("npm start prints a line for Slack, with where Slack must post", () => {
    expect(e2e.pagobot.logs).toContain(`  slack       app connected (events at ${e2e.pagobot.url}/slack/events)`);
  });

  it("answers a GET on /slack/events with 405: only Slack's signed POSTs are taken", async () => {
    const response = await fetch(`${e2e.pagobot.url}/slack/events`);
    expect(response.status).toBe(405);
  });
});
