import { randomBytes } from "node:crypto";
import type { WebhookUrls } from "../engine/webhook-port.ts";
import { createCollection } from "../store/collection.ts";
import { areas } from "../store/keys.ts";
import type { AtomicKv } from "../store/kv.ts";
import { hashSecret, secretMatches } from "./verify-basic-auth.ts";

/** What a listener URL is for: a payment's form, or a pending Connection. */
export type HookKind = "payment" | "link";

/** The path DropPay posts to, under pagobot's one HTTP server. */
export const HOOK_PREFIX = "/droppay/hook";

interface CredentialRecord {
  /** SHA-256 of each secret issued for this item (a retried create gets a new URL; the old one stays valid). */
  readonly hashes: readonly string[];
}

/** Issues and checks per-item webhook credentials; only their hashes are stored (payments.md R3). */
export interface WebhookCredentials {
  issue(kind: HookKind, id: string): Promise<{ user: string; password: string }>;
  verify(kind: HookKind, id: string, user: string, password: string): Promise<boolean>;
}

export function createWebhookCredentials(kv: AtomicKv): WebhookCredentials {
  const records = createCollection<CredentialRecord>(kv, areas.webhookCredentials.area);
  return {
    async issue(kind, id) {
      const password = randomBytes(32).toString("base64url");
      const hash = hashSecret(password);
      const key = `${kind}:${id}`;
      for (;;) {
        const added = await records.update(key, (r) => ({ hashes: [...r.hashes, hash] }));
        if (added.applied || (await records.create(key, { hashes: [hash] }))) break;
      }
      return { user: id, password };
    },
    async verify(kind, id, user, password) {
      const record = await records.get(`${kind}:${id}`);
      // The user name must be the id in the path: the right credentials of another form do not open this one.
      const matches = secretMatches(password, record?.hashes ?? []);
      return matches && user === id;
    },
  };
}

/** The listener URLs the engine hands to DropPay, built on the server's public base URL. */
export function createWebhookUrls(credentials: WebhookCredentials, baseUrl: () => string): WebhookUrls {
  const build = async (kind: HookKind, id: string) => {
    const { user, password } = await credentials.issue(kind, id);
    const url = new URL(`${HOOK_PREFIX}/${kind}/${encodeURIComponent(id)}`, baseUrl());
    url.username = user;
    url.password = password;
    return url.toString();
  };
  return {
    forPayment: (paymentId) => build("payment", paymentId),
    forLink: (linkId) => build("link", linkId),
  };
}
