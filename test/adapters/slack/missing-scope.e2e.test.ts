import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { corpusNotice } from "../telegram/e2e/notices.ts";
import { botShows, privateNote } from "./e2e/conversation.ts";
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

  it("explains, to the person who shared the photo, that the app needs files:read", async () => {
    const notice = corpusNotice("dev-0094.jpg");
    const vera = e2e.peer.person("Vera");
    const dm = e2e.peer.dm(vera);
    vera.share(dm, [{ bytes: notice.photo, name: "avviso.jpg", mimetype: "image/jpeg" }]);
    const note = await privateNote(e2e.peer, vera, (text) => text.includes("files:read"));
    expect(note).toContain("Chiedi a chi amministra Slack di reinstallarla");
    await botShows(e2e.peer, dm, (s) => s.text.includes("Non sono riuscito a scaricare il file"));
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
