import type { IncomingMessage } from "node:http";

/**
 * A Web API refusal: the peer answers `{ ok: false, error }` with HTTP 200, as Slack does for platform errors;
 * `status` other than 200 is for the transport's own failures (429 with Retry-After, 5xx).
 */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly status = 200,
    readonly retryAfterS?: number,
  ) {
    super(error);
    this.name = "SlackApiError";
  }
}

/** A method's arguments, from the query string and the body (form-encoded or JSON). */
export type Params = Record<string, unknown>;

/** Slack's request bodies are small; the peer reads no more than this. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBytes) throw new SlackApiError("request_too_large", 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Reads arguments the way the Web API accepts them: urlencoded form (what @slack/web-api sends, with nested
 * values such as `blocks` as JSON strings) or a JSON body.
 */
export async function readParams(req: IncomingMessage, url: URL): Promise<Params> {
  const params: Params = Object.fromEntries(url.searchParams);
  if (req.method !== "POST") return params;
  const body = await readBody(req);
  if (body.length === 0) return params;
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.startsWith("application/json")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new SlackApiError("invalid_json");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw new SlackApiError("invalid_json");
    return { ...params, ...(parsed as Params) };
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  throw new SlackApiError("invalid_form_data");
}

/** The bearer token of a call: the Authorization header, or a `token` argument (older clients send it so). */
export function bearerOf(req: IncomingMessage, params: Params): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === "string" && header.startsWith("Bearer ")) return header.slice("Bearer ".length);
  return typeof params.token === "string" ? params.token : undefined;
}

export function str(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new SlackApiError("invalid_arguments");
}

export function requireStr(params: Params, name: string, missing = "invalid_arguments"): string {
  const value = str(params, name);
  if (value === undefined) throw new SlackApiError(missing);
  return value;
}

export function bool(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === "true" || value === "1" || value === 1;
}

/** A structured argument: an object in JSON bodies, a JSON string in forms. */
export function json(params: Params, name: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new SlackApiError(`invalid_${name}`);
  }
}
