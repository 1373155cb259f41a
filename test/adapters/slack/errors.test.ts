import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { toChatError } from "../../../adapters/slack/errors.ts";
import { ChatDeliveryError, ChatRateLimitError } from "../../../src/engine/ports.ts";

const { ErrorCode, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError } = webApi;

describe("Web API failures as the outbox sees them", () => {
  it("turns a 429 into ChatRateLimitError with Slack's Retry-After", () => {
    const error = toChatError(new WebAPIRateLimitedError(7));
    expect(error).toBeInstanceOf(ChatRateLimitError);
    expect((error as ChatRateLimitError).retryAfterMs).toBe(7_000);
  });

  it("gives up on a gone channel or message, retries Slack's own failures", () => {
    const platform = (code: string) => new WebAPIPlatformError({ ok: false, error: code });
    for (const code of ["not_in_channel", "channel_not_found", "is_archived", "invalid_blocks"]) {
      expect(toChatError(platform(code))).toMatchObject({ permanent: true });
    }
    expect(toChatError(platform("internal_error"))).toMatchObject({ permanent: false });
    expect(toChatError(new WebAPIHTTPError(503, "Service Unavailable", {}))).toMatchObject({ permanent: false });
    expect(toChatError(new Error("ECONNRESET"))).toBeInstanceOf(ChatDeliveryError);
    expect(ErrorCode.RateLimitedError).toBe("slack_webapi_rate_limited_error");
  });
});
