import { ChatDeliveryError, ChatRateLimitError } from "../../src/engine/ports.ts";
import { PagobotError } from "../../src/errors.ts";

/** Slack refused the app at start-up (a wrong token, auth.test failed). */
export class SlackStartError extends PagobotError<"slack_start_failed"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("slack_start_failed", message, options);
  }
}

/** A file could not be fetched from Slack (refused, broke off). Never carries the URL or the token. */
export class SlackDownloadError extends PagobotError<"slack_download_failed"> {
  constructor(message: string, options?: { cause?: unknown }) {
    super("slack_download_failed", message, options);
  }
}

/** The Web API's errors, read by their `code` (web-api's own error classes carry it). */
interface WebApiErrorShape {
  readonly code?: unknown;
  readonly retryAfter?: unknown;
  readonly statusCode?: unknown;
  readonly data?: { readonly error?: unknown };
}

/** Platform errors that another attempt cannot fix: the channel or message is gone, the app is not allowed. */
const PERMANENT = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "message_not_found",
  "cant_update_message",
  "edit_window_closed",
  "thread_not_found",
  "invalid_blocks",
  "invalid_attachments",
  "msg_too_long",
  "no_text",
  "too_many_attachments",
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "missing_scope",
  "restricted_action",
  "user_not_in_channel",
  "user_not_found",
  "ekm_access_denied",
]);

/** The Web API's platform error string ("not_in_channel"), if the error is one. */
export function platformError(error: unknown): string | undefined {
  const shape = error as WebApiErrorShape | null;
  if (shape?.code !== "slack_webapi_platform_error") return undefined;
  return typeof shape.data?.error === "string" ? shape.data.error : undefined;
}

/**
 * Maps a Web API failure onto the port's errors, once: 429 → ChatRateLimitError (the outbox waits Retry-After),
 * a gone channel or message, or a refusal of the content → permanent, 5xx and network failures → retried.
 */
export function toChatError(error: unknown): Error {
  if (error instanceof ChatRateLimitError || error instanceof ChatDeliveryError) return error;
  const shape = (error ?? {}) as WebApiErrorShape;
  switch (shape.code) {
    case "slack_webapi_rate_limited_error": {
      // Slack counts in seconds; without a number, wait a second rather than hammer.
      const seconds = typeof shape.retryAfter === "number" && shape.retryAfter >= 0 ? shape.retryAfter : 1;
      return new ChatRateLimitError(seconds * 1000, { cause: error });
    }
    case "slack_webapi_platform_error": {
      const code = platformError(error) ?? "unknown_error";
      if (code === "ratelimited") return new ChatRateLimitError(1000, { cause: error });
      return new ChatDeliveryError(`Slack refused: ${code}`, PERMANENT.has(code), { cause: error });
    }
    case "slack_webapi_http_error": {
      const status = typeof shape.statusCode === "number" ? shape.statusCode : 0;
      return new ChatDeliveryError(`Slack answered HTTP ${status}`, status >= 400 && status < 500, { cause: error });
    }
    default: {
      const message = error instanceof Error ? error.message : String(error);
      return new ChatDeliveryError(`Slack unreachable: ${message}`, false, { cause: error });
    }
  }
}
