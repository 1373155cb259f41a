import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { isJsonRequest } from "../../src/http/request-guards.ts";
import { PlaygroundError } from "./errors.ts";

/** The size the client announced (Content-Length), or undefined for a chunked body. */
export function announcedLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  const length = Number(header);
  if (!Number.isSafeInteger(length) || length < 0) throw new PlaygroundError("bad_request", "bad Content-Length");
  return length;
}

/** How long a body may pause between two chunks before the request is dropped (a stalled or hostile client). */
export const BODY_IDLE_MS = 15_000;

// The router's setting for its requests, so that every route reading a body follows it without threading it.
const idleByRequest = new WeakMap<IncomingMessage, number>();

/** Sets how long this request's body may stall (the adapter's `bodyIdleMs`). */
export function setBodyIdle(req: IncomingMessage, idleMs: number): void {
  idleByRequest.set(req, idleMs);
}

/**
 * Reads a request body of at most `maxBytes`. A body announced larger is refused before a byte is read; a chunked
 * one is cut off as soon as it passes the cap, so memory never holds more than `maxBytes`. A body announced with
 * its length is copied into one buffer of that length as it arrives (never chunks plus a joined copy: half the
 * peak memory of a large upload). A body that stalls for `idleMs` is dropped.
 */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: "body_too_large" | "upload_too_large" = "body_too_large",
  idleMs = idleByRequest.get(req) ?? BODY_IDLE_MS,
): Promise<Buffer> {
  const announced = announcedLength(req);
  if (announced !== undefined && announced > maxBytes) {
    throw new PlaygroundError(tooLarge, `body of ${announced} bytes is over the ${maxBytes}-byte cap`);
  }
  const whole = announced === undefined ? undefined : Buffer.allocUnsafe(announced);
  const chunks: Buffer[] = [];
  let total = 0;
  let stalled = false;
  let idle: NodeJS.Timeout | undefined;
  const restartIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => {
      stalled = true;
      req.destroy();
    }, idleMs);
  };
  restartIdle();
  try {
    for await (const chunk of req) {
      restartIdle();
      const buffer = chunk as Buffer;
      if (total + buffer.length > maxBytes || (whole !== undefined && total + buffer.length > whole.length)) {
        throw new PlaygroundError(tooLarge, `body passed the ${maxBytes}-byte cap`);
      }
      if (whole === undefined) chunks.push(buffer);
      else buffer.copy(whole, total);
      total += buffer.length;
    }
  } catch (error) {
    if (error instanceof PlaygroundError) throw error;
    throw new PlaygroundError(stalled ? "body_timeout" : "upload_incomplete", "the request body was cut off", {
      cause: error,
    });
  } finally {
    clearTimeout(idle);
  }
  if (stalled) throw new PlaygroundError("body_timeout", "the request body stalled");
  if (!req.complete) throw new PlaygroundError("upload_incomplete", "the request body was cut off");
  return whole === undefined ? Buffer.concat(chunks, total) : whole.subarray(0, total);
}

/** Reads a small JSON body and checks it against `schema`. */
export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>, maxBytes = 16 * 1024): Promise<T> {
  // Only JSON requests: a cross-site HTML form cannot send application/json without a CORS preflight.
  if (!isJsonRequest(req)) throw new PlaygroundError("unsupported_media_type", "expected application/json");
  const body = await readBody(req, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw new PlaygroundError("bad_request", "body is not JSON", { cause: error });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new PlaygroundError("bad_request", `invalid body: ${result.error.issues[0]?.message}`);
  return result.data;
}
