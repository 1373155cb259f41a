import { z } from "zod";
import type { Parsed } from "../schemas.ts";

// DropPay Authentication v.1 wire names (droppay-api.md, "Authentication"): the only file that knows them. The
// client writes requests and reads replies here; the sandbox reads requests and writes replies here.

/** Tokens as DropPay hands them out, in our words. */
export interface TokenGrant {
  readonly accessToken: string;
  /** Absent for application tokens (client credentials), which are simply requested again. */
  readonly refreshToken: string | null;
  readonly expiresInSeconds: number;
}

/** The statuses of a Connection: waiting for the person, granted (it carries a connection code), refused or deleted. */
export type ConnectionStatus = "WAITING" | "GRANTED" | "REFUSED" | "DELETED" | (string & {});

/** A Connection: the person's consent that lets pagobot act on their DropPay account. */
export interface DropPayConnection {
  readonly id: string;
  readonly status: ConnectionStatus;
  /** The link the person opens to grant it (https://dp.link/u/20/… in production). */
  readonly sharingUrl: string | null;
  /** Present once granted: the person's long-lived credential. Encrypt at rest, never log. */
  readonly connectionCode: string | null;
  readonly createdAt: string | null;
}

const parseWith = <S extends z.ZodType, T>(schema: S, json: unknown, map: (w: z.output<S>) => T): Parsed<T> => {
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, value: map(parsed.data) }
    : { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
};

const tokenReply = z.object({
  token_type: z.string().regex(/^bearer$/i),
  access_token: z.string().min(1),
  expires_in: z.number().int().positive().default(3600),
  refresh_token: z.string().min(1).nullish(),
});

/** Reads a token reply. */
export function parseTokenReply(json: unknown): Parsed<TokenGrant> {
  return parseWith(tokenReply, json, (w) => ({
    accessToken: w.access_token,
    refreshToken: w.refresh_token ?? null,
    expiresInSeconds: w.expires_in,
  }));
}

/** Writes a token reply (the sandbox's side). */
export function tokenReplyToWire(grant: TokenGrant): Record<string, unknown> {
  return {
    token_type: "bearer",
    access_token: grant.accessToken,
    expires_in: grant.expiresInSeconds,
    ...(grant.refreshToken === null ? {} : { refresh_token: grant.refreshToken }),
  };
}

const connectionReply = z.object({
  id: z.string().min(1),
  status: z.string().min(1),
  sharing: z.string().nullish(),
  connection_code: z.string().min(1).nullish(),
  date_creation: z.string().nullish(),
});

/** Reads a Connection reply. */
export function parseConnectionReply(json: unknown): Parsed<DropPayConnection> {
  return parseWith(connectionReply, json, (w) => ({
    id: w.id,
    status: w.status.toUpperCase(),
    sharingUrl: w.sharing ?? null,
    connectionCode: w.connection_code ?? null,
    createdAt: w.date_creation ?? null,
  }));
}

/** Writes a Connection (the sandbox's side); the webhook URL is echoed as DropPay echoes a form's. */
export function connectionToWire(connection: DropPayConnection, webhookUrl: string | null): Record<string, unknown> {
  return {
    id: connection.id,
    status: connection.status,
    sharing: connection.sharingUrl,
    date_creation: connection.createdAt,
    ...(webhookUrl === null ? {} : { webhooks: { all: webhookUrl } }),
    ...(connection.connectionCode === null ? {} : { connection_code: connection.connectionCode }),
  };
}

/** The body of `POST /oa2/v1/cc/token` (application token). */
export function clientCredentialsBody(appKey: string, appSecret: string): Record<string, unknown> {
  return { grant_type: "client_credentials", client_id: appKey, client_secret: appSecret };
}

/** The body of `POST /oa2/v1/ac/token` (connection code → user token) and, with a refresh token, of the `PUT`. */
export function userTokenBody(
  appKey: string,
  appSecret: string,
  connectionCode: string,
  refreshToken?: string,
): Record<string, unknown> {
  return {
    grant_type: "authorization_code",
    code: connectionCode,
    client_id: appKey,
    client_secret: appSecret,
    scope: "app",
    ...(refreshToken === undefined ? {} : { refresh_token: refreshToken }),
  };
}

/** The body of `POST /oa2/v1/connection`. */
export function connectionBody(webhookUrl: string | null, loopbackUri: string | null): Record<string, unknown> {
  return {
    ...(webhookUrl === null ? {} : { webhooks: { all: webhookUrl } }),
    ...(loopbackUri === null ? {} : { loopback_uri: loopbackUri }),
  };
}

// ---- The sandbox's side: reading requests ----

const tokenRequest = z.object({
  grant_type: z.enum(["client_credentials", "authorization_code"]),
  client_id: z.string().min(1),
  client_secret: z.string().min(1),
  code: z.string().min(1).optional(),
  scope: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
});

/** A token request as the sandbox reads it. */
export interface TokenRequest {
  readonly grantType: "client_credentials" | "authorization_code";
  readonly appKey: string;
  readonly appSecret: string;
  readonly connectionCode: string | null;
  readonly refreshToken: string | null;
}

/** Reads a token request (the sandbox's side). */
export function parseTokenRequest(json: unknown): Parsed<TokenRequest> {
  return parseWith(tokenRequest, json, (w) => ({
    grantType: w.grant_type,
    appKey: w.client_id,
    appSecret: w.client_secret,
    connectionCode: w.code ?? null,
    refreshToken: w.refresh_token ?? null,
  }));
}

// Third-party code posts `webhooks.ALL` on Connections while forms use `all`: accept both.
const connectionRequest = z.object({
  webhooks: z.object({ all: z.url().optional(), ALL: z.url().optional() }).optional(),
  loopback_uri: z.string().optional(),
});

/** Reads a Connection request (the sandbox's side): the webhook URL, if any. */
export function parseConnectionRequest(json: unknown): Parsed<{ webhookUrl: string | null }> {
  return parseWith(connectionRequest, json ?? {}, (w) => ({ webhookUrl: w.webhooks?.all ?? w.webhooks?.ALL ?? null }));
}
