import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackPort } from "../../../adapters/slack/port.ts";
import type { View } from "../../../src/engine/views.ts";
import type { Logger } from "../../../src/log/logger.ts";
import { type SlackPeer, startSlackPeer } from "../../peers/slack/peer.ts";

/** A logger that keeps its warnings, to count them. */
function recordingLogger(warnings: string[]): Logger {
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (message) => warnings.push(message),
    error: () => {},
    child: () => logger,
  };
  return logger;
}

const receipt: View = {
  type: "document",
  caption: "Ricevuta: Comune di Milano, 128,21\u00a0€",
  fileName: "ricevuta-pagopa.pdf",
  mimeType: "application/pdf",
  base64: Buffer.from("%PDF-1.7 receipt").toString("base64"),
};

/** The Slack port's delivery of a document view (a household's receipt), against the Slack peer. */
describe("a receipt delivered on Slack", () => {
  let peer: SlackPeer | undefined;
  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
  });

  async function setUp(scopes?: readonly string[]) {
    peer = await startSlackPeer(scopes === undefined ? {} : { scopes });
    const anna = peer.person("Anna");
    const family = peer.channel("famiglia", [anna]);
    const client = new webApi.WebClient(peer.token, { slackApiUrl: peer.apiUrl, retryConfig: { retries: 0 } });
    const card = await client.chat.postMessage({ channel: family.id, text: "Pagato ✅" });
    const warnings: string[] = [];
    const port = createSlackPort(client, { logger: recordingLogger(warnings) });
    return { peer, family, card: card.ts as string, port, warnings };
  }

  it("is a PDF file in the card's thread, commented with the caption; the outbox keeps that message's ts", async () => {
    const { peer, family, card, port } = await setUp();
    const sent = await port.deliver({ platform: "slack", chatId: family.id, kind: "group" }, receipt, { thread: card });
    const message = peer.state.message(family.id, sent.messageId);
    expect(message?.threadTs).toBe(card);
    expect(message?.text).toBe("Ricevuta: Comune di Milano, 128,21\u00a0€");
    const file = peer.state.files.get(message?.files?.[0] ?? "");
    expect(file?.name).toBe("ricevuta-pagopa.pdf");
    expect(Buffer.from(file?.bytes ?? []).toString()).toBe("%PDF-1.7 receipt");
  });

  it("without files:write, is its caption as text in the thread, with one warning however many receipts", async () => {
    const { peer, family, card, port, warnings } = await setUp([
      "commands",
      "chat:write",
      "files:read",
      "users:read",
      "im:history",
      "channels:history",
      "groups:history",
    ]);
    const to = { platform: "slack" as const, chatId: family.id, kind: "group" as const };
    const first = await port.deliver(to, receipt, { thread: card });
    await port.deliver(to, receipt, { thread: card });

    const message = peer.state.message(family.id, first.messageId);
    expect(message?.threadTs).toBe(card);
    expect(message?.seen.text).toBe("Ricevuta: Comune di Milano, 128,21\u00a0€");
    expect(message?.files).toBeUndefined();
    expect(peer.state.files.size).toBe(0);
    expect(peer.state.calls.filter((c) => c.error === "missing_scope")).toHaveLength(2);
    expect(warnings.filter((w) => w.includes("files:write"))).toHaveLength(1);
  });
});
