import type { Logger } from "../../log/logger.ts";
import { type Clock, realSleep, type Sleep, systemClock } from "../clock.ts";
import { DropPayApiError } from "../errors.ts";
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "../retry.ts";
import { createTransport, type FetchLike } from "../transport.ts";
import {
  clientCredentialsBody,
  connectionBody,
  type DropPayConnection,
  parseConnectionReply,
  parseTokenReply,
  type TokenGrant,
  userTokenBody,
} from "./schemas.ts";

/** A person's tokens: the access token, the refresh token and when the access token expires (epoch ms). */
export interface UserTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  readonly expiresAt: number;
}

export interface DropPayAuthOptions {
  /** `https://api.drop-pay.io`, or the sandbox's URL. */
  readonly baseUrl: string;
  /** The Application Key and Secret from DropPay's developer area. */
  readonly appKey: string;
  readonly appSecret: string;
  readonly logger: Logger;
  readonly fetch?: FetchLike;
  /** Per call; default 10 000 ms. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly retry?: RetryPolicy;
}

/** DropPay Authentication v.1 (droppay-api.md): application token, Connections, user tokens. One module, no globals. */
export interface DropPayAuth {
  /** The application token (client credentials), cached until a minute before it expires; one request at a time. */
  applicationToken(): Promise<string>;
  /** Creates a Connection; hand its `sharingUrl` to the person. `webhookUrl` hears its status changes. */
  createConnection(webhookUrl: string | null, options?: { loopbackUri?: string }): Promise<DropPayConnection>;
  /** Reads a Connection; once GRANTED it carries the `connectionCode`. */
  getConnection(id: string): Promise<DropPayConnection>;
  /**
   * Withdraws a Connection the person has not granted yet, or revokes a granted one (/scollega; droppay-api.md,
   * decided): its code and tokens stop working.
   */
  deleteConnection(id: string): Promise<DropPayConnection>;
  /** Connection code → user access token (POST /oa2/v1/ac/token). */
  exchangeConnectionCode(connectionCode: string): Promise<UserTokens>;
  /** Refresh token → new user tokens (PUT /oa2/v1/ac/token); retried with backoff like every safe call. */
  refresh(connectionCode: string, refreshToken: string): Promise<UserTokens>;
}

const appTokenMarginMs = 60_000;

/**
 * Creates the authentication module.
 * @example
 * const auth = createDropPayAuth({ baseUrl, appKey, appSecret, logger });
 * const connection = await auth.createConnection("https://u:s@bot.example/droppay/connection/42");
 * // …the person opens connection.sharingUrl and grants…
 * const { connectionCode } = await auth.getConnection(connection.id);
 */
export function createDropPayAuth(options: DropPayAuthOptions): DropPayAuth {
  const clock = options.clock ?? systemClock;
  const logger = options.logger.child({ module: "droppay-auth" });
  const transport = createTransport({
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    logger,
    clock,
  });
  const retrying = <T>(call: () => Promise<T>): Promise<T> =>
    withRetry(call, {
      policy: options.retry ?? defaultRetryPolicy,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      onRetry: (error, delayMs) => logger.info("retrying droppay auth call", { error, delayMs }),
    });
  const toUserTokens = (grant: TokenGrant): UserTokens => ({
    accessToken: grant.accessToken,
    refreshToken: grant.refreshToken,
    expiresAt: clock.now() + grant.expiresInSeconds * 1000,
  });

  let appToken: { token: string; expiresAt: number } | null = null;
  let appTokenInFlight: Promise<string> | null = null;
  const applicationToken = (): Promise<string> => {
    if (appToken !== null && appToken.expiresAt - appTokenMarginMs > clock.now())
      return Promise.resolve(appToken.token);
    appTokenInFlight ??= retrying(() =>
      transport({
        route: "app-token",
        method: "POST",
        path: "/oa2/v1/cc/token",
        body: clientCredentialsBody(options.appKey, options.appSecret),
        parse: parseTokenReply,
      }),
    )
      .then((grant) => {
        appToken = { token: grant.accessToken, expiresAt: clock.now() + grant.expiresInSeconds * 1000 };
        return grant.accessToken;
      })
      .finally(() => {
        appTokenInFlight = null;
      });
    return appTokenInFlight;
  };

  /** Runs an application-token call; a 401/102 drops the cached token and tries once more. */
  const withAppToken = async <T>(call: (token: string) => Promise<T>): Promise<T> => {
    const token = await applicationToken();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof DropPayApiError && error.code === "token_expired")) throw error;
      if (appToken?.token === token) appToken = null;
      return call(await applicationToken());
    }
  };

  const connectionPath = (id: string) => `/oa2/v1/connection/${encodeURIComponent(id)}`;
  return {
    applicationToken,
    createConnection: (webhookUrl, opts) =>
      // Not retried: a second POST would leave a second, unused Connection waiting.
      withAppToken((bearer) =>
        transport({
          route: "connection-create",
          method: "POST",
          path: "/oa2/v1/connection",
          bearer,
          body: connectionBody(webhookUrl, opts?.loopbackUri ?? null),
          parse: parseConnectionReply,
        }),
      ),
    getConnection: (id) =>
      withAppToken((bearer) =>
        retrying(() =>
          transport({
            route: "connection-get",
            method: "GET",
            path: connectionPath(id),
            bearer,
            parse: parseConnectionReply,
          }),
        ),
      ),
    deleteConnection: (id) =>
      withAppToken((bearer) =>
        retrying(() =>
          transport({
            route: "connection-delete",
            method: "DELETE",
            path: connectionPath(id),
            bearer,
            parse: parseConnectionReply,
          }),
        ),
      ),
    exchangeConnectionCode: async (connectionCode) =>
      toUserTokens(
        await retrying(() =>
          transport({
            route: "token",
            method: "POST",
            path: "/oa2/v1/ac/token",
            body: userTokenBody(options.appKey, options.appSecret, connectionCode),
            parse: parseTokenReply,
          }),
        ),
      ),
    refresh: async (connectionCode, refreshToken) =>
      toUserTokens(
        await retrying(() =>
          transport({
            route: "token",
            method: "PUT",
            path: "/oa2/v1/ac/token",
            body: userTokenBody(options.appKey, options.appSecret, connectionCode, refreshToken),
            parse: parseTokenReply,
          }),
        ),
      ),
  };
}
