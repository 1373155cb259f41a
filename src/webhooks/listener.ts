import type { IncomingMessage, ServerResponse } from "node:http";
import type { HttpServer } from "../http/server.ts";
import type { Logger } from "../log/logger.ts";
import { HOOK_PREFIX, type HookKind, type WebhookCredentials } from "./credentials.ts";
import { createRereadQueue, type RereadQueue } from "./reread-queue.ts";
import { parseBasicAuth } from "./verify-basic-auth.ts";

/** The re-reads a delivery that passed its credentials asks for; each resolves once the item was read. */
export interface HookTargets {
  rereadPayment(paymentId: string): Promise<void>;
  rereadLink(linkId: string): Promise<void>;
}

/** Re-reads running at once, and waiting behind them, before deliveries are answered 503. */
export const DEFAULT_REREAD_CONCURRENCY = 16;
export const DEFAULT_REREAD_CAPACITY = 1_000;
/** What a 503 asks DropPay to wait, in seconds (its own backoff may wait longer). */
const RETRY_AFTER_SECONDS = 1;

/** Bodies are never used (only a fresh GET is trusted), so they are read only to free the connection. */
const MAX_BODY_BYTES = 256 * 1024;

async function discardBody(req: IncomingMessage): Promise<void> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) break;
  }
}

export interface WebhookListenerDeps {
  readonly credentials: WebhookCredentials;
  readonly targets: HookTargets;
  readonly logger: Logger;
  /** Re-reads at once; default DEFAULT_REREAD_CONCURRENCY. */
  readonly concurrency?: number;
  /** Re-reads waiting; default DEFAULT_REREAD_CAPACITY. */
  readonly capacity?: number;
}

/**
 * Mounts DropPay's webhook listener at /droppay/hook/<payment|link>/<id>. Each delivery must carry that item's
 * own basic-auth credentials (checked in constant time; 401 otherwise). A good delivery is acknowledged at
 * once with 204 and only then turned into a re-read of the item (payments.md R4, R5): its body is never used,
 * so duplicates, replays and reordering can only cause a harmless extra read. The re-reads go through a
 * bounded queue: when it is full, deliveries are answered 503 (before any store read) and DropPay retries them.
 * Returns the queue, whose `idle()` tells when every accepted delivery has been read.
 */
export function mountWebhookListener(http: HttpServer, deps: WebhookListenerDeps): RereadQueue {
  const logger = deps.logger.child({ module: "webhooks" });
  const queue = createRereadQueue({
    capacity: deps.capacity ?? DEFAULT_REREAD_CAPACITY,
    concurrency: deps.concurrency ?? DEFAULT_REREAD_CONCURRENCY,
    logger,
  });
  const busy = (res: ServerResponse) => {
    res.writeHead(503, { "retry-after": String(RETRY_AFTER_SECONDS) }).end();
  };
  http.mount(HOOK_PREFIX, async (req, res, url) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    await discardBody(req);
    if (queue.full()) {
      logger.warn("webhook deferred: re-read queue full");
      busy(res);
      return;
    }
    const [kind, rawId, ...rest] = url.pathname.slice(HOOK_PREFIX.length + 1).split("/");
    const id = rawId === undefined ? "" : decodeURIComponent(rawId);
    const auth = parseBasicAuth(req.headers.authorization);
    const known = (kind === "payment" || kind === "link") && rest.length === 0 && id !== "";
    const ok =
      known && auth !== undefined && (await deps.credentials.verify(kind as HookKind, id, auth.user, auth.password));
    if (!ok) {
      logger.warn("webhook refused", { kind, reason: auth === undefined ? "no credentials" : "wrong credentials" });
      res.writeHead(401, { "www-authenticate": 'Basic realm="pagobot"' }).end();
      return;
    }
    const reread = kind === "payment" ? () => deps.targets.rereadPayment(id) : () => deps.targets.rereadLink(id);
    // Full may have come while the credentials were read: the answer follows what the queue took.
    if (queue.offer(`${kind}:${id}`, reread) === "full") {
      busy(res);
      return;
    }
    res.writeHead(204).end();
  });
  return queue;
}
