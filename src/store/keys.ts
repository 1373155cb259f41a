/**
 * Every key pagobot stores is `area:id[:sub]`; this file names the areas and how long their records live.
 * Records without a ttl live until the engine deletes them.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

export const areas = {
  payments: { area: "payment" },
  openNotices: { area: "open-notice" },
  buttons: { area: "button", ttlMs: 90 * DAY_MS },
  choices: { area: "choice", ttlMs: 30 * DAY_MS },
  chats: { area: "chat", ttlMs: 365 * DAY_MS },
  people: { area: "person" },
  linkRequests: { area: "link-request", ttlMs: 2 * DAY_MS },
  // Platforms redeliver within minutes to hours; a week covers every retry policy we know (platforms.md §0).
  events: { area: "event", ttlMs: 7 * DAY_MS },
  // A sent delivery is kept a month so a late duplicate announcement is recognised and not sent again.
  outbox: { area: "outbox", ttlMs: 30 * DAY_MS },
  pendingDeliveries: { area: "outbox-pending" },
  slots: { area: "slot", ttlMs: 180 * DAY_MS },
  leases: { area: "lease", ttlMs: 60_000 },
  schedule: { area: "reconcile" },
  webhookCredentials: { area: "webhook-credential" },
  credentials: { area: "credential" },
} as const satisfies Record<string, { area: string; ttlMs?: number }>;

/** Joins the parts of an id (`platform:chatId`) the way every key does. */
export function idOf(...parts: readonly string[]): string {
  return parts.join(":");
}
