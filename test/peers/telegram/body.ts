import type { IncomingMessage } from "node:http";

/** A Bot API refusal: the peer answers `{ ok: false, error_code, description, parameters }` with this status. */
export class BotApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { readonly retry_after?: number; readonly migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "BotApiError";
  }
}

/** A method's parameters, merged from the query string and the body (JSON, form or multipart). */
export type Params = Record<string, unknown>;

/** Bot API uploads are capped at 50 MB; the peer reads no more than that. */
const MAX_BODY_BYTES = 50 * 1024 * 1024;

export async function readBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > maxBytes) throw new BotApiError(413, "Request Entity Too Large");
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Reads parameters the way the Bot API accepts them: query string, JSON, urlencoded form or multipart. */
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
      throw new BotApiError(400, "Bad Request: can't parse JSON object");
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new BotApiError(400, "Bad Request: JSON object expected");
    }
    return { ...params, ...(parsed as Params) };
  }
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (type.startsWith("multipart/form-data")) {
    // undici's Response parses multipart exactly as a browser would, boundaries and filenames included.
    const form = await new Response(body, { headers: { "content-type": type } }).formData();
    for (const [key, value] of form) {
      params[key] = typeof value === "string" ? value : new Uint8Array(await value.arrayBuffer());
    }
    return params;
  }
  throw new BotApiError(400, "Bad Request: unsupported content type");
}

/** A string parameter; numbers are accepted as strings, as Telegram does. */
export function str(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw new BotApiError(400, `Bad Request: field "${name}" must be a string`);
}

export function requireStr(params: Params, name: string, missing: string): string {
  const value = str(params, name);
  if (value === undefined) throw new BotApiError(400, `Bad Request: ${missing}`);
  return value;
}

/** An integer parameter given as a number or as a decimal string (forms carry only strings). */
export function int(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : Number.NaN;
  if (!Number.isInteger(number)) throw new BotApiError(400, `Bad Request: field "${name}" must be an integer`);
  return number;
}

export function bool(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === "true" || value === "1" || value === 1;
}

/** A structured parameter: an object in JSON bodies, a JSON string in forms. */
export function json(params: Params, name: string): unknown {
  const value = params[name];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw new BotApiError(400, `Bad Request: can't parse ${name} JSON object`);
  }
}
