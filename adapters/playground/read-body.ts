import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { PlaygroundError } from "./errors.ts";

/** The size the client announced (Content-Length), or undefined for a chunked body. */
export function announcedLength(req: IncomingMessage): number | undefined {
  const header = req.headers["content-length"];
  if (header === undefined) return undefined;
  const length = Number(header);
  if (!Number.isSafeInteger(length) || length < 0) throw new PlaygroundError("bad_request", "bad Content-Length");
  return length;
}

/**
 * Reads a request body of at most `maxBytes`. A body announced larger is refused before a byte is read; a chunked
 * one is cut off as soon as it passes the cap, so memory never holds more than `maxBytes`.
 */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: "body_too_large" | "upload_too_large" = "body_too_large",
): Promise<Buffer> {
  const announced = announcedLength(req);
  if (announced !== undefined && announced > maxBytes) {
    throw new PlaygroundError(tooLarge, `body of ${announced} bytes is over the ${maxBytes}-byte cap`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of req) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > maxBytes) throw new PlaygroundError(tooLarge, `body passed the ${maxBytes}-byte cap`);
      chunks.push(buffer);
    }
  } catch (error) {
    if (error instanceof PlaygroundError) throw error;
    throw new PlaygroundError("upload_incomplete", "the request body was cut off", { cause: error });
  }
  if (!req.complete) throw new PlaygroundError("upload_incomplete", "the request body was cut off");
  return Buffer.concat(chunks, total);
}

/** Reads a small JSON body and checks it against `schema`. */
export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>, maxBytes = 16 * 1024): Promise<T> {
  const type = req.headers["content-type"] ?? "";
  // Only JSON requests: a cross-site HTML form cannot send application/json without a CORS preflight.
  if (!/^application\/json\b/i.test(type)) throw new PlaygroundError("bad_request", "expected application/json");
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
