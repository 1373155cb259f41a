import { PagobotError } from "../errors.ts";
import type { ChatRef, Platform } from "./events.ts";
import type { View } from "./views.ts";

/** How to deliver a view: as a new message, as a reply, or replacing (editing) an earlier message. */
export interface DeliverOptions {
  /** Edit this earlier message (its id as `deliver` returned it) instead of sending a new one. */
  readonly replace?: string;
  /** Send as a reply to this message. */
  readonly replyTo?: string;
  /**
   * Post in the thread of this message (its id as `deliver` returned it; the outbox resolves a slot's message at
   * send time). Slack posts with thread_ts; Telegram replies to it.
   */
  readonly thread?: string;
  /**
   * Meant for this person only (Slack chat.postEphemeral). Never a slot's message: such a view cannot be edited
   * later. Platforms without private views in a chat may ignore it (Telegram sends it to the chat as before).
   */
  readonly audience?: { readonly userId: string };
}

/**
 * The one thing each chat adapter implements for the engine. The engine never calls a platform directly;
 * PAID/FAILED announcements after a PSP webhook go through the same port.
 */
export interface ChatPort {
  readonly platform: Platform;
  /**
   * Sends or edits a message; resolves to the id of the message that now shows the view. An edit that changes
   * nothing is a success. Throws ChatRateLimitError when the platform asks to wait, ChatDeliveryError otherwise.
   */
  deliver(to: ChatRef, view: View, options?: DeliverOptions): Promise<{ messageId: string }>;
  /** Shows "working on it" (Telegram typing) while a scan runs; optional. */
  showActivity?(to: ChatRef): Promise<void>;
  /**
   * How the engine's outbox paces deliveries to one chat, as limits that all hold at once (Telegram: about one a
   * second per chat with short bursts, and 20 a minute per group). Unset means no pacing beyond ChatRateLimitError.
   */
  pace?(to: ChatRef): readonly ChatPace[];
  /**
   * A payment this person sent changed (its card was queued anew): surfaces that show lists of payments (Slack's
   * App Home) refresh them from `Engine.overview`. Optional and best effort: a failure is only logged.
   */
  paymentChanged?(person: { readonly platform: Platform; readonly userId: string }): Promise<void>;
}

/**
 * One limit on a chat's pace, as a token bucket: on average one delivery per `intervalMs`, and up to `burst` back to
 * back after a quiet spell (a card's edit and its PAID message go out together, as the platforms allow short
 * bursts). In any span of T ms a bucket lets through at most burst + T / intervalMs.
 */
export interface ChatPace {
  readonly intervalMs: number;
  readonly burst: number;
}

/** The platform said "too many requests": try again after `retryAfterMs`. */
export class ChatRateLimitError extends PagobotError<"chat_rate_limited"> {
  constructor(
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super("chat_rate_limited", `rate limited, retry after ${retryAfterMs} ms`, options);
  }
}

/** The platform refused a delivery. `permanent` ones (chat gone, bot blocked) are not retried. */
export class ChatDeliveryError extends PagobotError<"chat_delivery_failed"> {
  constructor(
    message: string,
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super("chat_delivery_failed", message, options);
  }
}

/**
 * Thrown by `IncomingFile.download` when the file turns out larger than `maxBytes` (the platform announced no
 * size, or announced a wrong one): the engine tells the person the file is too big.
 */
export class FileTooLargeError extends PagobotError<"file_too_large"> {
  constructor(
    readonly maxBytes: number,
    options?: { cause?: unknown },
  ) {
    super("file_too_large", `file larger than ${maxBytes} bytes`, options);
  }
}

/**
 * Thrown by `IncomingFile.download` when the platform will not hand the app its files (Slack serves its sign-in
 * page when the app lacks files:read): the engine tells the person to ask the workspace's admin, once.
 */
export class FileAccessError extends PagobotError<"file_access_denied"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("file_access_denied", message, options);
  }
}
