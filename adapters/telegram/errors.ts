import { TelegramError } from "telegraf";
import { ChatDeliveryError, ChatRateLimitError } from "../../src/engine/ports.ts";
import { PagobotError } from "../../src/errors.ts";

/** Something the adapter itself could not do with what the engine asked (a button ref too long for Telegram). */
export class TelegramRenderError extends PagobotError<"telegram_render"> {
  constructor(message: string) {
    super("telegram_render", message);
  }
}

/** A file could not be fetched from Telegram (getFile refused, the download broke off). Never carries the URL. */
export class TelegramDownloadError extends PagobotError<"telegram_download_failed"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("telegram_download_failed", message, options);
  }
}

/** The Bot API refused the bot at start-up (a wrong token, a webhook it cannot set). */
export class TelegramStartError extends PagobotError<"telegram_start_failed"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("telegram_start_failed", message, options);
  }
}

/** "message is not modified": an edit that changes nothing, which the port contract counts as success. */
export function isNotModified(error: unknown): boolean {
  return error instanceof TelegramError && error.code === 400 && /message is not modified/i.test(error.description);
}

/** The earlier message cannot be edited any more (deleted, too old, not ours): send a new one instead. */
export function isNotEditable(error: unknown): boolean {
  return (
    error instanceof TelegramError &&
    error.code === 400 &&
    /message to edit not found|message can't be edited|MESSAGE_ID_INVALID/i.test(error.description)
  );
}

/** The group became a supergroup: Telegram names the new chat id, and the old one no longer works. */
export function migratedChatId(error: unknown): number | undefined {
  return error instanceof TelegramError ? error.parameters?.migrate_to_chat_id : undefined;
}

/**
 * Maps a Bot API failure onto the port's errors, once: 429 → ChatRateLimitError (the engine's outbox waits
 * `retry_after`), a gone chat or a blocked bot → permanent, 5xx and network failures → retried.
 */
export function toChatError(error: unknown): Error {
  if (error instanceof ChatRateLimitError || error instanceof ChatDeliveryError) return error;
  if (error instanceof TelegramRenderError) return new ChatDeliveryError(error.message, true, { cause: error });
  if (error instanceof TelegramError) {
    if (error.code === 429) {
      // Telegram counts in seconds; no retry_after means "soon", so wait a second rather than hammer.
      const seconds = error.parameters?.retry_after ?? 1;
      return new ChatRateLimitError(Math.max(seconds, 0) * 1000, { cause: error });
    }
    const permanent = error.code === 400 || error.code === 401 || error.code === 403 || error.code === 404;
    return new ChatDeliveryError(`Telegram refused: ${error.code} ${error.description}`, permanent, { cause: error });
  }
  // fetch failures (connection refused, reset): telegraf already redacted the token from the message.
  const message = error instanceof Error ? error.message : String(error);
  return new ChatDeliveryError(`Telegram unreachable: ${message}`, false, { cause: error });
}
