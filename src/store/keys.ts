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
  // Held by a live process and renewed every ~1.5 s (src/engine/lease.ts): a dead holder's lease is gone
  // within 5 s, so a crashed flow is taken over, and a chat's queue moves on, seconds after a restart.
  leases: { area: "lease", ttlMs: 5_000 },
  // A chat's pacing as its last sender left it, for the next one (any replica); a minute covers every bucket's
  // refill (Telegram's group limit: 5 × 4 s), after which a chat is fully rested and needs no record.
  chatPaces: { area: "chat-pace", ttlMs: 60_000 },
  schedule: { area: "reconcile" },
  // Payments whose flow is under way or whose views are not all queued yet: the reconciler's recovery list.
  inflight: { area: "inflight" },
  // Texts and files accepted but not yet handled (src/inbox): minutes at most, an hour covers any backlog.
  inbox: { area: "inbox", ttlMs: 60 * 60 * 1000 },
  webhookCredentials: { area: "webhook-credential" },
  credentials: { area: "credential" },
} as const satisfies Record<string, { area: string; ttlMs?: number }>;

/** Joins the parts of an id (`platform:chatId`) the way every key does. */
export function idOf(...parts: readonly string[]): string {
  return parts.join(":");
}
