import { PagobotError } from "../../errors.ts";
import type { Logger } from "../../log/logger.ts";
import type { Cipher } from "../../store/crypto.ts";
import type { AtomicKv } from "../../store/kv.ts";
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

/** The shared tokens were deleted after this source had used them: the person unlinked. Map it to "not linked". */
export class TokensForgottenError extends PagobotError<"tokens_forgotten"> {}

/** Where a SharedTokenSource keeps a person's tokens, and the lock of their refresh, in the shared store. */
export interface SharedTokenStore {
  readonly kv: AtomicKv;
  readonly cipher: Cipher;
  /** The person and credential the tokens belong to, e.g. `telegram:42:link` (one key per connection code). */
  readonly key: string;
}

export interface SharedTokenSourceOptions {
  readonly auth: Pick<DropPayAuth, "exchangeConnectionCode" | "refresh">;
  readonly connectionCode: string;
  readonly store: SharedTokenStore;
  /** Tokens to start from when the store has none yet (a demo account's first tokens, a stored refresh token). */
  readonly initial?: UserTokens | null;
  readonly clock?: Clock;
  readonly refreshAheadMs?: number;
  /** How long this replica trusts what it read from the store without reading again (default 5 s). */
  readonly memoryMs?: number;
  /** How long a refresh may hold the lock; a replica that dies holding it delays the others this long (default 30 s). */
  readonly lockMs?: number;
  /** Between looks at the store while another replica refreshes (default 50 ms, with jitter). */
  readonly pollMs?: number;
  /** Called with every new set of tokens this replica obtains (besides the store, which is always written). */
  readonly onTokens?: (tokens: UserTokens) => Promise<void> | void;
  readonly logger?: Logger;
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The stored tokens' key, and their refresh lock's: the gateway deletes the first when a person unlinks. */
export function sharedTokenKeys(key: string): { tokens: string; lock: string } {
  return { tokens: `droppay-tokens:${key}`, lock: `droppay-tokens-lock:${key}` };
}

/** Forgets a person's shared tokens (unlink): every replica stops using them within its `memoryMs`. */
export async function deleteSharedTokens(store: SharedTokenStore): Promise<void> {
  await store.kv.delete(sharedTokenKeys(store.key).tokens);
}

/**
 * A person's tokens shared by every replica on one store. DropPay rotates refresh tokens: two replicas refreshing
 * with the same one at once would leave one of them refused. So one refresh at a time per person, under a lock in
 * the store (set-if-absent with a TTL); the replica that takes the lock reads the stored tokens again before it
 * refreshes (another may have just done it), and the ones that wait read the stored result instead of refreshing
 * with a refresh token that has been rotated out. Tokens are sealed at rest like every credential; this replica
 * keeps them in memory for `memoryMs` at most, so that an unlink elsewhere is seen within that time.
 * payments.md §4 would keep access tokens in memory only; they are stored here (sealed, 1 h lifetime) because
 * otherwise every replica would refresh on its own, rotating the refresh token under the others' feet.
 */
export function createSharedTokenSource(options: SharedTokenSourceOptions): UserTokenSource {
  const clock = options.clock ?? systemClock;
  const aheadMs = options.refreshAheadMs ?? 60_000;
  const memoryMs = options.memoryMs ?? 5_000;
  const lockMs = options.lockMs ?? 30_000;
  const pollMs = options.pollMs ?? 50;
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const { kv, cipher } = options.store;
  const keys = sharedTokenKeys(options.store.key);
  const owner = `${process.pid}:${random().toString(36).slice(2)}`;
  let memory: { tokens: UserTokens; readAt: number } | null = null;
  let inFlight: Promise<UserTokens> | null = null;

  // Not a type guard: a stale set of tokens is still tokens (its refresh token is what renews it).
  const fresh = (t: UserTokens | null | undefined): boolean =>
    t !== null && t !== undefined && t.accessToken !== "" && t.expiresAt - aheadMs > clock.now();

  /**
   * Whether this source has had tokens in the store (read or written). Only then does an empty store mean an
   * unlink: before, it means nobody has minted any yet, and parallel first calls all find it empty.
   */
  let seen = false;
  const read = async (): Promise<UserTokens | null> => {
    const stored = await kv.get(keys.tokens);
    const tokens = stored === undefined ? null : (JSON.parse(cipher.open(stored.value, keys.tokens)) as UserTokens);
    if (tokens !== null) {
      memory = { tokens, readAt: clock.now() };
      seen = true;
    }
    return tokens;
  };
  const write = async (tokens: UserTokens): Promise<void> => {
    await kv.set(keys.tokens, cipher.seal(JSON.stringify(tokens), keys.tokens));
    memory = { tokens, readAt: clock.now() };
    seen = true;
  };
  const remembered = (): UserTokens | null =>
    memory !== null && clock.now() - memory.readAt < memoryMs ? memory.tokens : null;

  const obtain = async (current: UserTokens | null): Promise<UserTokens> => {
    const refreshToken = current?.refreshToken ?? options.initial?.refreshToken;
    if (refreshToken) {
      try {
        return await options.auth.refresh(options.connectionCode, refreshToken);
      } catch (error) {
        if (!(error instanceof DropPayApiError) || error.status >= 500) throw error;
        options.logger?.info("refresh token refused; exchanging the connection code", { status: error.status });
      }
    }
    return options.auth.exchangeConnectionCode(options.connectionCode);
  };

  const releaseLock = async (): Promise<void> => {
    const held = await kv.get(keys.lock);
    if (held?.value === owner) await kv.compareAndDelete(keys.lock, held.token);
  };

  /** Newer tokens than `rejected`: from the store if another replica renewed, else renewed here under the lock. */
  const renewPast = async (rejected: string | null): Promise<UserTokens> => {
    const usable = (t: UserTokens | null): t is UserTokens => t !== null && fresh(t) && t.accessToken !== rejected;
    for (;;) {
      if (await kv.setIfAbsent(keys.lock, owner, lockMs)) {
        try {
          // Read again under the lock: the refresh token to use is the stored one, not the one we saw before.
          const stored = await read();
          if (usable(stored)) return stored;
          const next = await obtain(stored);
          await write(next);
          try {
            await options.onTokens?.(next);
          } catch (error) {
            options.logger?.warn("could not keep renewed DropPay tokens", { error });
          }
          return next;
        } finally {
          await releaseLock();
        }
      }
      // Another replica is refreshing: wait for its result rather than spend a refresh token it is rotating.
      await sleep(pollMs * (0.5 + random()));
      const stored = await read();
      if (usable(stored)) return stored;
    }
  };

  const renew = (rejected: string | null): Promise<UserTokens> => {
    inFlight ??= renewPast(rejected).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  const currentTokens = async (): Promise<UserTokens | null> => {
    const cached = remembered();
    if (cached !== null && fresh(cached)) return cached;
    // Judged on what was known when the read left: a read that finds the store empty may have been overtaken by
    // this source's own first tokens (a parallel first call minted them meanwhile), which is no unlink.
    const hadTokens = seen;
    const stored = await read();
    if (stored !== null) return stored;
    // Gone after we had them: the person unlinked (on any replica). Never bring them back from `initial`.
    if (hadTokens)
      throw new TokensForgottenError("tokens_forgotten", "the person's DropPay tokens were removed (unlinked)");
    if (options.initial && fresh(options.initial)) {
      // First use on this store: the tokens we were given become the shared ones, unless a replica was first.
      await kv.setIfAbsent(keys.tokens, cipher.seal(JSON.stringify(options.initial), keys.tokens));
      return read();
    }
    return null;
  };

  return {
    current: () => memory?.tokens ?? null,
    async accessToken() {
      const tokens = await currentTokens();
      if (tokens !== null && fresh(tokens)) return tokens.accessToken;
      return (await renew(tokens === null || tokens.accessToken === "" ? null : tokens.accessToken)).accessToken;
    },
    async refresh(rejected) {
      const tokens = await currentTokens();
      if (tokens !== null && fresh(tokens) && tokens.accessToken !== rejected) return tokens.accessToken;
      return (await renew(rejected)).accessToken;
    },
  };
}
