import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Update } from "telegraf/types";
import type { Logger } from "../../src/log/logger.ts";

/** An update is a few kilobytes; anything far larger is not Telegram. */
const MAX_UPDATE_BYTES = 1024 * 1024;

export interface WebhookHandlerOptions {
  readonly secret: string;
  readonly handleUpdate: (update: Update) => Promise<void>;
  readonly isStopped: () => boolean;
  readonly logger: Logger;
}

/**
 * Receives Telegram's webhook POSTs on pagobot's HTTP server. The secret header is compared in constant time
 * (403 on a mismatch); a 2xx answer goes out once the update is handed over, so a failure makes Telegram retry.
 */
export function createWebhookHandler(options: WebhookHandlerOptions) {
  const expected = digest(options.secret);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST", "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    const header = req.headers["x-telegram-bot-api-secret-token"];
    const given = typeof header === "string" ? header : "";
    // Equal-length digests make the comparison constant-time whatever the header's length.
    if (!timingSafeEqual(digest(given), expected)) {
      options.logger.warn("telegram webhook: wrong secret token", { remote: req.socket.remoteAddress });
      req.resume();
      res.writeHead(403, { "content-type": "text/plain" }).end("forbidden\n");
      return;
    }
    if (options.isStopped()) {
      // Shutting down: Telegram keeps the update and delivers it again later.
      req.resume();
      res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" }).end("shutting down\n");
      return;
    }
    const body = await readCapped(req);
    if (body === undefined) {
      res.writeHead(413, { "content-type": "text/plain" }).end("too large\n");
      return;
    }
    const update = parseUpdate(body);
    if (update === undefined) {
      res.writeHead(400, { "content-type": "text/plain" }).end("not a Telegram update\n");
      return;
    }
    await options.handleUpdate(update);
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  };
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

async function readCapped(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop early would destroy the socket before the 413 goes out, so an oversized body is drained.
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total <= MAX_UPDATE_BYTES) chunks.push(chunk as Buffer);
  }
  return total > MAX_UPDATE_BYTES ? undefined : Buffer.concat(chunks);
}

function parseUpdate(body: Buffer): Update | undefined {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    if (
      value === null ||
      typeof value !== "object" ||
      typeof (value as { update_id?: unknown }).update_id !== "number"
    ) {
      return undefined;
    }
    return value as Update;
  } catch {
    return undefined;
  }
}
