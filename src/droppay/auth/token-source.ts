import type { Logger } from "../../log/logger.ts";
import { type Clock, systemClock } from "../clock.ts";
import { DropPayApiError } from "../errors.ts";
import type { DropPayAuth, UserTokens } from "./auth.ts";

/**
 * Gives the client a person's current access token and renews it on demand. The client calls `refresh` with
 * the token DropPay refused (401/102); when another call already renewed past it, the newer token comes back
 * without a second refresh, so many parallel calls cause one refresh.
 */
export interface TokenSource {
  accessToken(): Promise<string>;
  /** Renews after `rejected` was refused; resolving to `rejected` itself means "nothing newer": give up. */
  refresh(rejected: string): Promise<string>;
}

export interface UserTokenSourceOptions {
  readonly auth: Pick<DropPayAuth, "exchangeConnectionCode" | "refresh">;
  /** The person's connection code: the long-lived credential tokens are minted from. */
  readonly connectionCode: string;
  /** Tokens kept from before (decrypted from the store), if any. */
  readonly tokens?: UserTokens | null;
  readonly clock?: Clock;
  /** Renew this long before expiry (payments.md R12: expires_in − 60 s). */
  readonly refreshAheadMs?: number;
  /** Called with every new set of tokens, to keep them (encrypted). A failure is logged, not thrown. */
  readonly onTokens?: (tokens: UserTokens) => Promise<void> | void;
  readonly logger?: Logger;
}

/** A TokenSource for one person, with its current tokens in `current()`. */
export interface UserTokenSource extends TokenSource {
  current(): UserTokens | null;
}

/**
 * Creates the per-person token manager: renews ahead of expiry, one renewal at a time. A renewal uses the
 * refresh token; if DropPay refuses it (4xx), the connection code is exchanged afresh. If that is refused too
 * (401/100, 403/101) the error reaches the caller: the link is broken and the person must reconnect.
 */
export function createUserTokenSource(options: UserTokenSourceOptions): UserTokenSource {
  const clock = options.clock ?? systemClock;
  const aheadMs = options.refreshAheadMs ?? 60_000;
  let tokens = options.tokens ?? null;
  let inFlight: Promise<UserTokens> | null = null;

  const fresh = (t: UserTokens | null): t is UserTokens => t !== null && t.expiresAt - aheadMs > clock.now();

  const obtain = async (): Promise<UserTokens> => {
    const refreshToken = tokens?.refreshToken;
    if (refreshToken) {
      try {
        return await options.auth.refresh(options.connectionCode, refreshToken);
      } catch (error) {
        // A refused refresh token (4xx) still leaves the connection code; anything else (no answer) propagates.
        if (!(error instanceof DropPayApiError) || error.status >= 500) throw error;
        options.logger?.info("refresh token refused; exchanging the connection code", { status: error.status });
      }
    }
    return options.auth.exchangeConnectionCode(options.connectionCode);
  };

  const renew = (): Promise<UserTokens> => {
    inFlight ??= obtain()
      .then(async (next) => {
        tokens = next;
        try {
          await options.onTokens?.(next);
        } catch (error) {
          options.logger?.warn("could not keep renewed DropPay tokens", { error });
        }
        return next;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  return {
    current: () => tokens,
    accessToken: async () => (fresh(tokens) ? tokens.accessToken : (await renew()).accessToken),
    refresh: async (rejected) => {
      if (fresh(tokens) && tokens.accessToken !== rejected) return tokens.accessToken;
      return (await renew()).accessToken;
    },
  };
}

/** A TokenSource for a fixed token (sandbox test accounts, scripts): it cannot refresh. */
export function staticTokenSource(accessToken: string): TokenSource {
  return { accessToken: async () => accessToken, refresh: async () => accessToken };
}
