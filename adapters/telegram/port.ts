import type { Telegram } from "telegraf";
import type { ChatRef } from "../../src/engine/events.ts";
import type { ChatPort, DeliverOptions } from "../../src/engine/ports.ts";
import type { View } from "../../src/engine/views.ts";
import type { Logger } from "../../src/log/logger.ts";
import { isNotEditable, isNotModified, migratedChatId, toChatError } from "./errors.ts";
import { type RenderedMessage, renderView } from "./render.ts";

export interface TelegramPortOptions {
  readonly logger: Logger;
  /**
   * Pacing the engine's outbox applies per chat: about one message a second per chat, bursts of two (a card's edit
   * and its announcement together), and in a group at most 20 in any minute (5 in a row, then one every 4 s).
   */
  readonly minIntervalMs?: number;
  /** How often "typing…" is renewed while a scan runs (Telegram shows it for 5 s at most). */
  readonly typingRenewMs?: number;
  /** Longest time "typing…" is kept up without a message following. */
  readonly typingMaxMs?: number;
}

/** The ChatPort with the adapter's own clean-up: typing indicators stop on shutdown. */
export interface TelegramPort extends ChatPort {
  stopActivity(): void;
}

/** Delivers engine views as Telegram messages: HTML text, inline keyboards, edits in place. */
export function createTelegramPort(telegram: Telegram, options: TelegramPortOptions): TelegramPort {
  const { logger } = options;
  const renewMs = options.typingRenewMs ?? 4_000;
  const maxMs = options.typingMaxMs ?? 30_000;
  const typing = new Map<string, NodeJS.Timeout>();
  // A group that became a supergroup keeps its old id in the engine's store; remember where it went.
  const migrated = new Map<string, string>();

  const chatIdOf = (to: ChatRef) => migrated.get(to.chatId) ?? to.chatId;

  const stopTyping = (chatId: string) => {
    clearInterval(typing.get(chatId));
    typing.delete(chatId);
  };

  async function send(to: ChatRef, message: RenderedMessage, replyTo: string | undefined): Promise<string> {
    const chatId = chatIdOf(to);
    try {
      const sent = await telegram.sendMessage(chatId, message.html, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        ...(message.keyboard === undefined ? {} : { reply_markup: message.keyboard }),
        // The message replied to may be gone; the answer still matters more than the quote.
        ...(replyTo === undefined
          ? {}
          : { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } }),
      });
      return String(sent.message_id);
    } catch (error) {
      const newId = migratedChatId(error);
      if (newId === undefined) throw error;
      logger.info("telegram group migrated to a supergroup", { chatId, newChatId: newId });
      migrated.set(to.chatId, String(newId));
      return await send(to, message, undefined);
    }
  }

  /** A file (a PDF receipt) as a document with its caption; never edited afterwards. */
  async function sendFile(
    to: ChatRef,
    file: Extract<View, { type: "document" }>,
    replyTo: string | undefined,
  ): Promise<string> {
    const sent = await telegram.sendDocument(
      chatIdOf(to),
      { source: Buffer.from(file.base64, "base64"), filename: file.fileName },
      {
        caption: file.caption,
        ...(replyTo === undefined
          ? {}
          : { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } }),
      },
    );
    return String(sent.message_id);
  }

  async function edit(to: ChatRef, messageId: string, message: RenderedMessage): Promise<string> {
    try {
      await telegram.editMessageText(chatIdOf(to), Number(messageId), undefined, message.html, {
        parse_mode: "HTML",
        link_preview_options: { is_disabled: true },
        // Without reply_markup Telegram drops the keyboard, which is what a card without buttons wants.
        ...(message.keyboard === undefined ? {} : { reply_markup: message.keyboard }),
      });
      return messageId;
    } catch (error) {
      if (isNotModified(error)) return messageId;
      if (!isNotEditable(error) && migratedChatId(error) === undefined) throw error;
      logger.info("telegram message cannot be edited; sending a new one", { chatId: to.chatId, messageId });
      return await send(to, message, undefined);
    }
  }

  return {
    platform: "telegram",
    ...(options.minIntervalMs === undefined ? {} : { pace: telegramPace(options.minIntervalMs) }),
    async deliver(to: ChatRef, view: View, deliverOptions?: DeliverOptions) {
      try {
        const message = renderView(view);
        // Telegram clears "typing…" when a message arrives; stop renewing it too.
        stopTyping(chatIdOf(to));
        if (view.type === "document") {
          return { messageId: await sendFile(to, view, deliverOptions?.replyTo ?? deliverOptions?.thread) };
        }
        const messageId =
          deliverOptions?.replace === undefined
            ? // A thread is a reply to its first message here; audience is not honoured (a group sees the view).
              await send(to, message, deliverOptions?.replyTo ?? deliverOptions?.thread)
            : await edit(to, deliverOptions.replace, message);
        return { messageId };
      } catch (error) {
        throw toChatError(error);
      }
    },
    async showActivity(to: ChatRef) {
      const chatId = chatIdOf(to);
      try {
        await telegram.sendChatAction(chatId, "typing");
      } catch (error) {
        throw toChatError(error);
      }
      stopTyping(chatId);
      const startedAt = Date.now();
      const timer = setInterval(() => {
        if (Date.now() - startedAt >= maxMs) return stopTyping(chatId);
        telegram.sendChatAction(chatId, "typing").catch((error: unknown) => {
          // A lapsed indicator is cosmetic; a 429 here must not turn into more calls.
          logger.debug("telegram typing renewal failed", { chatId, error });
          stopTyping(chatId);
        });
      }, renewMs);
      timer.unref();
      typing.set(chatId, timer);
    },
    stopActivity() {
      for (const chatId of [...typing.keys()]) stopTyping(chatId);
    },
  };
}

/** Telegram's limits (platforms.md): about 1 message/s per chat with short bursts, and 20 a minute per group. */
const BURST = 2;
const GROUP_PER_MINUTE = 20;
// A bucket lets through its burst plus one per interval in any minute: 5 + 60 s / 4 s = 20, never more.
const GROUP_BURST = 5;

function telegramPace(intervalMs: number): NonNullable<ChatPort["pace"]> {
  const chat = [{ intervalMs, burst: BURST }];
  const perMinute = (intervalMs * 60) / (GROUP_PER_MINUTE - GROUP_BURST);
  const group = [...chat, { intervalMs: perMinute, burst: GROUP_BURST }];
  return (to) => (to.kind === "group" ? group : chat);
}
