import type { TokenGrant, TokenRequest } from "../auth/schemas.ts";
import type { AccountRecord } from "./state.ts";
import { tokenKey } from "./state.ts";
import { failures, type SandboxWorld } from "./world.ts";

// Tokens and application credentials in the sandbox (droppay-api.md, "Authentication"): user tokens live
// 3600 s and are renewed with a refresh token (which rotates); a missing Authorization header answers 401 with
// no body at all, a bad or expired token 401/102, an application token on a user route 403/101.

/** An application the sandbox accepts: its key and secret. */
export interface SandboxApp {
  readonly key: string;
  readonly secret: string;
}

export const tokenLifetimeSeconds = 3600;

/** Issues an application token (client credentials). */
export function issueAppToken(world: SandboxWorld, appKey: string): TokenGrant {
  const accessToken = world.random.token();
  world.state.tokens[tokenKey(accessToken)] = {
    kind: "app",
    appKey,
    accountId: null,
    expiresAt: world.now() + tokenLifetimeSeconds * 1000,
  };
  world.changed();
  return { accessToken, refreshToken: null, expiresInSeconds: tokenLifetimeSeconds };
}

/** Issues a user token and its refresh token for a connection code. */
export function issueUserTokens(world: SandboxWorld, connectionCode: string, appKey: string | null): TokenGrant {
  const code = world.state.connectionCodes[connectionCode];
  if (code === undefined) throw new Error("issueUserTokens: unknown connection code");
  const accessToken = world.random.token();
  const refreshToken = world.random.token();
  world.state.tokens[tokenKey(accessToken)] = {
    kind: "user",
    appKey,
    accountId: code.accountId,
    expiresAt: world.now() + tokenLifetimeSeconds * 1000,
    connectionCode,
  };
  world.state.refreshTokens[tokenKey(refreshToken)] = { connectionCode, appKey };
  world.changed();
  return { accessToken, refreshToken, expiresInSeconds: tokenLifetimeSeconds };
}

/** Checks the application's key and secret (401/100 when wrong). */
export function checkApp(apps: readonly SandboxApp[], key: string, secret: string): SandboxApp {
  const app = apps.find((a) => a.key === key && a.secret === secret);
  if (app === undefined) throw failures.wrongCredentials();
  return app;
}

/** `POST /oa2/v1/ac/token`: a granted connection code → user tokens. 401/100 for an unknown code, 403/101 for a revoked one. */
export function exchangeCode(world: SandboxWorld, apps: readonly SandboxApp[], request: TokenRequest): TokenGrant {
  const app = checkApp(apps, request.appKey, request.appSecret);
  if (request.grantType !== "authorization_code" || request.connectionCode === null) {
    throw failures.missingArguments("grant_type authorization_code and code");
  }
  const code = world.state.connectionCodes[request.connectionCode];
  if (code === undefined) throw failures.wrongCredentials();
  if (code.revoked || (code.appKey !== null && code.appKey !== app.key)) throw failures.accessDenied();
  return issueUserTokens(world, request.connectionCode, app.key);
}

/** `PUT /oa2/v1/ac/token`: a refresh token → new tokens; the old refresh token stops working (rotation). */
export function refreshUserTokens(world: SandboxWorld, apps: readonly SandboxApp[], request: TokenRequest): TokenGrant {
  const app = checkApp(apps, request.appKey, request.appSecret);
  if (request.refreshToken === null) throw failures.missingArguments("refresh_token");
  const key = tokenKey(request.refreshToken);
  const record = world.state.refreshTokens[key];
  if (record === undefined) throw failures.tokenExpired();
  if (request.connectionCode !== null && request.connectionCode !== record.connectionCode)
    throw failures.accessDenied();
  const code = world.state.connectionCodes[record.connectionCode];
  if (code === undefined || code.revoked) throw failures.accessDenied();
  delete world.state.refreshTokens[key];
  return issueUserTokens(world, record.connectionCode, app.key);
}

function bearerOf(header: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  // DropPay's errors page: some failures come with no body and no Content-Type; a request without a token is one.
  if (match?.[1] === undefined) throw failures.noBody(401);
  return match[1];
}

function liveToken(world: SandboxWorld, header: string | undefined) {
  const record = world.state.tokens[tokenKey(bearerOf(header))];
  if (record === undefined || record.expiresAt <= world.now()) throw failures.tokenExpired();
  return record;
}

/** The account behind a user token (payments routes). */
export function requireUser(world: SandboxWorld, header: string | undefined): AccountRecord {
  const record = liveToken(world, header);
  if (record.kind !== "user" || record.accountId === null) throw failures.accessDenied();
  const account = world.state.accounts[record.accountId];
  if (account === undefined) throw failures.tokenExpired();
  return account;
}

/** The application behind an application token (Connection routes). */
export function requireApp(world: SandboxWorld, header: string | undefined): string {
  const record = liveToken(world, header);
  if (record.kind !== "app" || record.appKey === null) throw failures.accessDenied();
  return record.appKey;
}

/** Makes every access token expire now: the next call with one gets 401/102 (refresh tokens keep working). */
export function expireAllTokens(world: SandboxWorld): number {
  const now = world.now();
  const records = Object.values(world.state.tokens);
  for (const record of records) record.expiresAt = Math.min(record.expiresAt, now);
  world.changed();
  return records.length;
}
