import type { Chat, Message, MessageEntity, PhotoSize, Update, User } from "telegraf/types";
import type { ChatRef, InboundEvent, IncomingFile, Sender } from "../../src/engine/events.ts";
import { decodeCallbackData } from "./callback-data.ts";
import { commandName, leadingCommand } from "./commands.ts";
import type { FileDescriptor } from "./files.ts";

/** What the translation needs besides the update: who the bot is, and how to wrap a file for download. */
export interface TranslateContext {
  readonly botUsername: string;
  readonly file: (descriptor: FileDescriptor) => IncomingFile;
}

/** The fields every event of one message shares. */
export type EventBase = Pick<InboundEvent, "chat" | "from" | "eventId" | "replyTo" | "replyToUserId">;

/** How one update reaches the engine: an event now, one part of an album (sent together later), or nothing. */
export type Translation =
  | { readonly kind: "event"; readonly event: InboundEvent }
  | {
      readonly kind: "album-part";
      /** Chat and media_group_id: the parts that share it are one album. */
      readonly albumKey: string;
      readonly updateId: number;
      readonly messageId: number;
      readonly base: EventBase;
      readonly file: IncomingFile;
      readonly caption?: string;
    }
  | { readonly kind: "ignore"; readonly reason: string };

/** Turns a Telegram update into what the engine understands. Pure but for wrapping files. */
export function translateUpdate(update: Update, context: TranslateContext): Translation {
  if ("message" in update) return translateMessage(update.update_id, update.message, context);
  if ("callback_query" in update) {
    const query = update.callback_query;
    const ref = decodeCallbackData("data" in query ? query.data : undefined);
    if (ref === undefined) return ignore("callback data is not an engine ref");
    if (query.message === undefined) return ignore("callback from an inline message");
    const chat = chatRef(query.message.chat);
    if (chat === undefined) return ignore("callback outside a chat");
    return event({
      type: "button",
      chat,
      from: sender(query.from),
      eventId: String(update.update_id),
      ref,
      messageId: String(query.message.message_id),
    });
  }
  if ("my_chat_member" in update) {
    // Added to a group: greet it as /start would, so the family sees how to use the bot at once.
    const change = update.my_chat_member;
    const chat = chatRef(change.chat);
    const joined = ["member", "administrator"].includes(change.new_chat_member.status);
    const wasOut = ["left", "kicked"].includes(change.old_chat_member.status);
    if (chat?.kind !== "group" || !joined || !wasOut) return ignore("membership change that needs no answer");
    return event({
      type: "command",
      chat,
      from: sender(change.from),
      eventId: String(update.update_id),
      name: "start",
      args: "",
    });
  }
  return ignore("update kind the bot does not handle");
}

function translateMessage(updateId: number, message: Message, context: TranslateContext): Translation {
  const chat = chatRef(message.chat);
  if (chat === undefined) return ignore("channel post");
  const replyTo = "reply_to_message" in message ? message.reply_to_message?.message_id : undefined;
  const repliedAuthor = "reply_to_message" in message ? message.reply_to_message?.from : undefined;
  const base: EventBase = {
    chat,
    // Anonymous admins and linked channels come as `from: GroupAnonymousBot` with the real author in sender_chat.
    from:
      message.sender_chat !== undefined || message.from === undefined ? senderOfChat(message) : sender(message.from),
    eventId: String(updateId),
    ...(replyTo === undefined ? {} : { replyTo: String(replyTo) }),
    ...(repliedAuthor === undefined || repliedAuthor.is_bot ? {} : { replyToUserId: String(repliedAuthor.id) }),
  };

  if ("text" in message) {
    const command = leadingCommand(message.text, message.entities);
    if (command === undefined) return event({ ...base, type: "text", text: message.text });
    if (!addressedToUs(command.addressee, context.botUsername)) return ignore("command for another bot");
    const name = commandName(command.command);
    if (name === undefined) return event({ ...base, type: "text", text: command.text });
    return event({ ...base, type: "command", name, args: command.args });
  }

  const file = fileOf(message);
  if (file === undefined) return ignore("message without text or a file");
  let caption = "caption" in message ? message.caption : undefined;
  if (caption !== undefined) {
    // Under privacy mode a group photo reaches the bot with a command in its caption ("/paga@bot"), which
    // telegraf's command() never sees: read caption_entities here.
    const entities: readonly MessageEntity[] | undefined =
      "caption_entities" in message ? message.caption_entities : undefined;
    const command = leadingCommand(caption, entities);
    if (command !== undefined && !addressedToUs(command.addressee, context.botUsername)) {
      return ignore("file captioned with a command for another bot");
    }
    if (command !== undefined) caption = command.text;
  }
  const incoming = context.file(file);
  if ("media_group_id" in message && message.media_group_id !== undefined) {
    return {
      kind: "album-part",
      albumKey: `${chat.chatId}:${message.media_group_id}`,
      updateId,
      messageId: message.message_id,
      base,
      file: incoming,
      ...(caption === undefined ? {} : { caption }),
    };
  }
  return event({ ...base, type: "files", files: [incoming], ...(caption === undefined ? {} : { caption }) });
}

/** A photo (its largest size) or a document; forwarded ones arrive the same way, with forward_origin. */
function fileOf(message: Message): FileDescriptor | undefined {
  if ("photo" in message) {
    const largest = message.photo.reduce<PhotoSize | undefined>(
      (best, size) => (best === undefined || size.width * size.height > best.width * best.height ? size : best),
      undefined,
    );
    if (largest === undefined) return undefined;
    return {
      fileId: largest.file_id,
      // Telegram re-encodes photos as JPEG.
      mimeType: "image/jpeg",
      ...(largest.file_size === undefined ? {} : { sizeBytes: largest.file_size }),
    };
  }
  if ("document" in message) {
    const { document } = message;
    return {
      fileId: document.file_id,
      ...(document.mime_type === undefined ? {} : { mimeType: document.mime_type }),
      ...(document.file_size === undefined ? {} : { sizeBytes: document.file_size }),
      ...(document.file_name === undefined ? {} : { name: document.file_name }),
    };
  }
  return undefined;
}

function chatRef(chat: Chat): ChatRef | undefined {
  if (chat.type === "channel") return undefined;
  return { platform: "telegram", chatId: String(chat.id), kind: chat.type === "private" ? "private" : "group" };
}

function sender(user: User): Sender {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ") || user.username || String(user.id);
  return { userId: String(user.id), name, ...(user.language_code === undefined ? {} : { locale: user.language_code }) };
}

/** An anonymous group admin or a linked channel posts as a chat, not as a user. */
function senderOfChat(message: Message): Sender {
  const chat = message.sender_chat ?? message.chat;
  return { userId: String(chat.id), name: "title" in chat ? chat.title : String(chat.id) };
}

function addressedToUs(addressee: string | undefined, botUsername: string): boolean {
  return addressee === undefined || addressee.toLowerCase() === botUsername.toLowerCase();
}

function event(value: InboundEvent): Translation {
  return { kind: "event", event: value };
}

function ignore(reason: string): Translation {
  return { kind: "ignore", reason };
}
