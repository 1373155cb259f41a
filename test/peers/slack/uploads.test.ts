import { webApi } from "@slack/bolt";
import { afterEach, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "./peer.ts";

/** The peer's file uploads, driven by @slack/web-api's own files.uploadV2 (Slack's three steps). */
describe("the Slack peer's file uploads", () => {
  let peer: SlackPeer | undefined;
  afterEach(async () => {
    await peer?.stop();
    peer = undefined;
  });
  const clientOf = (p: SlackPeer) =>
    new webApi.WebClient(p.token, { slackApiUrl: p.apiUrl, retryConfig: { retries: 0 } });

  it("shares the uploaded bytes in a thread as a bot message with the file, and lists where it shared it", async () => {
    peer = await startSlackPeer();
    const anna = peer.person("Anna");
    const family = peer.channel("famiglia", [anna]);
    const client = clientOf(peer);
    const card = await client.chat.postMessage({ channel: family.id, text: "Pagato" });
    const bytes = Buffer.from("%PDF-1.7 a receipt");
    const result = await client.files.uploadV2({
      file: bytes,
      filename: "ricevuta.pdf",
      title: "ricevuta.pdf",
      initial_comment: "Ricevuta: Comune",
      channel_id: family.id,
      thread_ts: card.ts as string,
    });

    const shared = peer.botMessages(family).find((m) => (m.files ?? []).length > 0);
    expect(shared?.threadTs).toBe(card.ts);
    expect(shared?.text).toBe("Ricevuta: Comune");
    const file = peer.state.files.get(shared?.files?.[0] ?? "");
    expect(file?.name).toBe("ricevuta.pdf");
    expect(file?.mimetype).toBe("application/pdf");
    expect(Buffer.from(file?.bytes ?? []).toString()).toBe("%PDF-1.7 a receipt");
    const completion = (result as { files?: { files?: { shares?: unknown }[] }[] }).files?.[0]?.files?.[0];
    expect(completion?.shares).toEqual({ public: { [family.id]: [{ ts: shared?.ts, thread_ts: card.ts }] } });
    expect(peer.printTranscript(family)).toContain("📎 ricevuta.pdf");
  });

  it("refuses both Web API steps with missing_scope when files:write was not granted", async () => {
    peer = await startSlackPeer({ scopes: ["chat:write", "files:read"] });
    const anna = peer.person("Anna");
    const client = clientOf(peer);
    await expect(
      client.files.uploadV2({ file: Buffer.from("x"), filename: "a.pdf", channel_id: peer.dm(anna).id }),
    ).rejects.toMatchObject({ data: { error: "missing_scope" } });
    expect(peer.state.files.size).toBe(0);
    expect(peer.botMessages(peer.dm(anna))).toEqual([]);
  });

  it("will not complete a file whose bytes never arrived", async () => {
    peer = await startSlackPeer();
    const client = clientOf(peer);
    const reserved = await client.files.getUploadURLExternal({ filename: "a.pdf", length: 3 });
    expect(reserved.upload_url).toMatch(new RegExp(`^${peer.baseUrl}/upload/v1/`));
    await expect(
      client.files.completeUploadExternal({ files: [{ id: reserved.file_id as string, title: "a.pdf" }] }),
    ).rejects.toMatchObject({ data: { error: "file_not_found" } });
  });
});
