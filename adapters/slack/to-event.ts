import type { ChatRef } from "../../src/engine/events.ts";
import { isNoticeFile, type SlackFileDescriptor } from "./files.ts";

/** The fields of a Slack `message` / `app_mention` event that pagobot reads. */
export interface SlackMessageEvent {
  readonly type: string;
  readonly subtype?: string;
  readonly channel?: string;
  readonly channel_type?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly files?: readonly SlackFileDescriptor[];
}

/** What one message means for the engine, before the sender is looked up and the files wrapped. */
export type MessageIntent =
  | { readonly kind: "text"; readonly chat: ChatRef; readonly userId: string; readonly text: string }
  | {
      readonly kind: "files";
      readonly chat: ChatRef;
      readonly userId: string;
      readonly files: readonly SlackFileDescriptor[];
      readonly caption?: string;
    }
  | { readonly kind: "ignore"; readonly reason: string };

/** Subtypes that are a person posting something new; edits, deletions, joins and bot posts are not. */
const READ_SUBTYPES = new Set([undefined, "file_share", "thread_broadcast"]);

/** A channel id's kind: D… is a direct message with the app; C…/G… are channels (a family, an office). */
export function chatRef(channel: string, channelType?: string): ChatRef {
  const isDm = channelType === "im" || (channelType === undefined && channel.startsWith("D"));
  return { platform: "slack", chatId: channel, kind: isDm ? "private" : "group" };
}

/**
 * Reads a message. In a DM with the app every message counts (a file of another type gets the engine's "I read
 * photos and PDFs"). In a channel, only files that can be notices are read, and text only when the app is
 * mentioned: a channel's chatter is not addressed to pagobot.
 */
export function messageIntent(event: SlackMessageEvent, botUserId: string | undefined): MessageIntent {
  if (event.bot_id !== undefined || (botUserId !== undefined && event.user === botUserId)) {
    return ignore("a bot's own message");
  }
  if (!READ_SUBTYPES.has(event.subtype)) return ignore(`message subtype ${event.subtype}`);
  if (event.channel === undefined || event.user === undefined) return ignore("message without a channel or author");
  const chat = chatRef(event.channel, event.channel_type);
  const files = event.files ?? [];
  const mention = botUserId === undefined ? undefined : `<@${botUserId}>`;
  const text = (event.text ?? "").replaceAll(mention ?? "\u0000", "").trim();
  if (files.length > 0) {
    // A mention with a file also arrives as a message event, which carries the files: read them once, there.
    if (event.type === "app_mention") return ignore("files of a mention come with its message event");
    const readable = chat.kind === "private" ? files : files.filter(isNoticeFile);
    if (readable.length === 0) return ignore("files that cannot be notices, in a channel");
    return { kind: "files", chat, userId: event.user, files: readable, ...(text === "" ? {} : { caption: text }) };
  }
  const addressed = chat.kind === "private" || event.type === "app_mention";
  if (!addressed) return ignore("channel message not addressed to the app");
  if (text === "") return ignore("empty message");
  return { kind: "text", chat, userId: event.user, text };
}

function ignore(reason: string): MessageIntent {
  return { kind: "ignore", reason };
}
