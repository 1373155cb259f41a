import { describe, expect, it } from "vitest";
import type { FileDescriptor } from "../../../adapters/telegram/files.ts";
import { translateUpdate } from "../../../adapters/telegram/to-event.ts";
import type { IncomingFile } from "../../../src/engine/events.ts";
import * as updates from "../../fixtures/telegram/updates.ts";

const wrapped: FileDescriptor[] = [];
const context = {
  botUsername: "pagobot_test_bot",
  file: (descriptor: FileDescriptor): IncomingFile => {
    wrapped.push(descriptor);
    return { ...descriptor, download: async () => new Uint8Array() };
  },
};

describe("translating Telegram updates", () => {
  it("takes the largest photo size, whatever order the sizes come in", () => {
    const result = translateUpdate(updates.photoUpdate, context);
    expect(result).toMatchObject({
      kind: "event",
      event: {
        type: "files",
        eventId: "900001",
        chat: { platform: "telegram", chatId: "48151623", kind: "private" },
        from: { userId: "48151623", name: "Giulia Russo", locale: "it" },
      },
    });
    expect(wrapped.at(-1)).toEqual({ fileId: "AgAD-x", mimeType: "image/jpeg", sizeBytes: 190_455 });
  });

  it("passes a forwarded PDF's name, type and announced size", () => {
    expect(translateUpdate(updates.forwardedPdfUpdate, context)).toMatchObject({
      kind: "event",
      event: { type: "files" },
    });
    expect(wrapped.at(-1)).toEqual({
      fileId: "BQAD-pdf",
      mimeType: "application/pdf",
      sizeBytes: 312_004,
      name: "avviso-pagamento.pdf",
    });
  });

  it("makes an album part of a group photo captioned with a command, matching the bot's name in any case", () => {
    const result = translateUpdate(updates.groupCaptionUpdate, context);
    expect(result).toMatchObject({
      kind: "album-part",
      albumKey: "-1001987654321:13577531",
      updateId: 900003,
      messageId: 301,
      caption: "/paga rata di aprile",
      base: { chat: { kind: "group", chatId: "-1001987654321" } },
    });
  });

  it("keeps the reply reference of a text answering the bot's prompt", () => {
    expect(translateUpdate(updates.replyToPromptUpdate, context)).toMatchObject({
      kind: "event",
      event: { type: "text", text: "302016723749670000 77777777777", replyTo: "300", chat: { kind: "group" } },
    });
  });

  it("names the author of the message a command replies to (/limite 50 in reply to a family member), never the bot", () => {
    const reply = updates.replyToPromptUpdate as unknown as { message: Record<string, unknown> };
    const limitInReply = {
      update_id: 900_104,
      message: {
        ...reply.message,
        text: "/limite 50",
        entities: [{ type: "bot_command", offset: 0, length: 7 }],
        reply_to_message: {
          message_id: 299,
          from: { id: 4242, is_bot: false, first_name: "Marco" },
          date: 1,
          text: "ok",
        },
      },
    } as unknown as typeof updates.replyToPromptUpdate;
    expect(translateUpdate(limitInReply, context)).toMatchObject({
      event: { type: "command", name: "limit", args: "50", replyToUserId: "4242" },
    });
    const toBot = translateUpdate(updates.replyToPromptUpdate, context);
    expect(toBot.kind === "event" && "replyToUserId" in toBot.event).toBe(false);
  });

  it("turns a button press into the engine ref and the card's message id, in the presser's language", () => {
    expect(translateUpdate(updates.callbackUpdate, context)).toEqual({
      kind: "event",
      event: {
        type: "button",
        chat: { platform: "telegram", chatId: "48151623", kind: "private" },
        from: { userId: "48151623", name: "Giulia Russo", locale: "en" },
        eventId: "900005",
        ref: "p:01HZX3",
        messageId: "19",
      },
    });
  });

  it("names an anonymous group admin after the group", () => {
    expect(translateUpdate(updates.anonymousAdminUpdate, context)).toMatchObject({
      kind: "event",
      event: { type: "command", name: "help", from: { userId: "-1001987654321", name: "Famiglia Russo" } },
    });
  });

  it("ignores channel posts and stickers", () => {
    expect(translateUpdate(updates.channelPostUpdate, context).kind).toBe("ignore");
    expect(translateUpdate(updates.stickerUpdate, context).kind).toBe("ignore");
  });
});
