import { describe, expect, it } from "vitest";
import { slashIntent } from "../../../adapters/slack/commands.ts";
import { messageIntent } from "../../../adapters/slack/to-event.ts";

describe("/paga and /pay", () => {
  it("opens the modal when nothing follows the command", () => {
    expect(slashIntent("")).toEqual({ kind: "modal" });
    expect(slashIntent("   ")).toEqual({ kind: "modal" });
  });

  it("maps the Italian and English sub-commands to the engine's commands", () => {
    expect(slashIntent("aiuto")).toEqual({ kind: "command", name: "help", args: "" });
    expect(slashIntent("help")).toEqual({ kind: "command", name: "help", args: "" });
    expect(slashIntent("storico")).toEqual({ kind: "command", name: "history", args: "" });
    expect(slashIntent("History")).toEqual({ kind: "command", name: "history", args: "" });
    expect(slashIntent("collega")).toEqual({ kind: "command", name: "link", args: "" });
    expect(slashIntent("link")).toEqual({ kind: "command", name: "link", args: "" });
    expect(slashIntent("lingua en")).toEqual({ kind: "command", name: "language", args: "en" });
    expect(slashIntent("lista")).toEqual({ kind: "command", name: "list", args: "" });
    expect(slashIntent("list")).toEqual({ kind: "command", name: "list", args: "" });
  });

  it("reads anything else as codes or a QR's text", () => {
    expect(slashIntent("3020 1672 3749 6700 00 80016350821")).toEqual({
      kind: "text",
      text: "3020 1672 3749 6700 00 80016350821",
    });
    expect(slashIntent(" PAGOPA|002|301202600000000103|99999000013|12050 ")).toEqual({
      kind: "text",
      text: "PAGOPA|002|301202600000000103|99999000013|12050",
    });
  });
});

describe("Slack messages as engine intents", () => {
  const pdf = { id: "F1", name: "avviso.pdf", mimetype: "application/pdf", size: 10 };
  const doc = { id: "F2", name: "note.docx", mimetype: "application/msword", size: 10 };

  it("reads every message in a DM with the app", () => {
    expect(
      messageIntent({ type: "message", channel: "D1", channel_type: "im", user: "U1", text: "ciao" }, "UBOT"),
    ).toEqual({
      kind: "text",
      chat: { platform: "slack", chatId: "D1", kind: "private" },
      userId: "U1",
      text: "ciao",
    });
    const files = messageIntent(
      { type: "message", subtype: "file_share", channel: "D1", channel_type: "im", user: "U1", files: [doc] },
      "UBOT",
    );
    expect(files).toMatchObject({ kind: "files", files: [doc] });
  });

  it("in a channel reads only notice files, and text only when the app is mentioned", () => {
    const base = { channel: "C1", channel_type: "channel", user: "U1" };
    expect(messageIntent({ ...base, type: "message", text: "chi paga la TARI?" }, "UBOT").kind).toBe("ignore");
    expect(messageIntent({ ...base, type: "message", subtype: "file_share", files: [doc] }, "UBOT").kind).toBe(
      "ignore",
    );
    expect(
      messageIntent({ ...base, type: "message", subtype: "file_share", files: [doc, pdf], text: "TARI" }, "UBOT"),
    ).toMatchObject({ kind: "files", files: [pdf], caption: "TARI", chat: { kind: "group" } });
    expect(messageIntent({ ...base, type: "app_mention", text: "<@UBOT> aiuto" }, "UBOT")).toMatchObject({
      kind: "text",
      text: "aiuto",
    });
  });

  it("ignores the app's own posts, edits and deletions", () => {
    const base = { type: "message", channel: "D1", channel_type: "im" };
    expect(messageIntent({ ...base, user: "UBOT", text: "card" }, "UBOT").kind).toBe("ignore");
    expect(messageIntent({ ...base, bot_id: "B1", text: "card" }, "UBOT").kind).toBe("ignore");
    expect(messageIntent({ ...base, user: "U1", subtype: "message_changed" }, "UBOT").kind).toBe("ignore");
    expect(messageIntent({ ...base, user: "U1", subtype: "message_deleted" }, "UBOT").kind).toBe("ignore");
  });
});
