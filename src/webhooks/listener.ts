import type { IncomingMessage } from "node:http";
import type { HttpServer } from "../http/server.ts";
import type { Logger } from "../log/logger.ts";
import { HOOK_PREFIX, type HookKind, type WebhookCredentials } from "./credentials.ts";
import { parseBasicAuth } from "./verify-basic-auth.ts";

/** What the listener tells once a delivery has passed its credentials. */
export interface HookTargets {
  onPayment(paymentId: string): void;
  onLink(linkId: string): void;
}

/** Bodies are never used (only a fresh GET is trusted), so they are read only to free the connection. */
const MAX_BODY_BYTES = 256 * 1024;

async function discardBody(req: IncomingMessage): Promise<void> {
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) break;
  }
}

/**
 * Mounts DropPay's webhook listener at /droppay/hook/<payment|link>/<id>. Each delivery must carry that item's
 * own basic-auth credentials (checked in constant time; 401 otherwise). A good delivery is acknowledged at
 * once with 204 and only then turned into a re-read of the item (payments.md R4, R5): its body is never used,
 * so duplicates, replays and reordering can only cause a harmless extra read.
 */
export function mountWebhookListener(
  http: HttpServer,
  deps: { credentials: WebhookCredentials; targets: HookTargets; logger: Logger },
): void {
  const logger = deps.logger.child({ module: "webhooks" });
  http.mount(HOOK_PREFIX, async (req, res, url) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    await discardBody(req);
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
    res.writeHead(204).end();
    if (kind === "payment") deps.targets.onPayment(id);
    else deps.targets.onLink(id);
  });
}
