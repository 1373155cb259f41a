import type { ChatPace } from "./ports.ts";

/** Chats whose buckets are kept once their queue empties; a full bucket carries no state and is dropped first. */
const KEPT_CHATS = 10_000;
/** A sweep runs once the map holds a quarter more than that, so its cost is spread over many sends. */
const SWEEP_AT = KEPT_CHATS * 1.25;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (monotonic ms). */
  at: number;
}

/** A chat's buckets, one per limit in the port's order, with the limits they were last used under. */
interface ChatBuckets {
  limits: readonly ChatPace[];
  buckets: Bucket[];
}

/**
 * A chat's buckets as one process leaves them for the next (another replica may serve the chat next): one per
 * limit in the port's order, each with its tokens and the wall-clock time (epoch ms) they were counted at.
 */
export interface SharedPace {
  readonly buckets: readonly { readonly tokens: number; readonly at: number }[];
}

/** Per-chat token buckets: how long the next delivery to a chat must wait, and the taking of a send. */
export interface ChatPacing {
  /** Milliseconds until a delivery to `chat` may go under every one of its limits (0: now). */
  waitMs(chat: string, limits: readonly ChatPace[], now: number): number;
  /** Records a delivery sent to `chat` at `now`, under each of its limits. */
  sent(chat: string, limits: readonly ChatPace[], now: number): void;
  /** The chat's buckets to leave for its next sender, or undefined when this process has none for it. */
  handOver(chat: string, now: number, wallNow: number): SharedPace | undefined;
  /** Takes the buckets the chat's last sender left (it may be this process) in place of what is known here. */
  takeOver(chat: string, shared: SharedPace, now: number, wallNow: number): void;
}

/**
 * The outbox's pacing: on average one delivery per interval per chat, with bursts of up to `burst` after a quiet
 * spell. The buckets outlive a chat's queue (a queue is dropped as soon as it empties, and the next delivery must
 * still wait its turn), bounded: past KEPT_CHATS, full buckets (nothing to remember) go, then the oldest. Times
 * are monotonic here; what is handed to another process is in wall-clock time, which both read alike.
 */
export function createChatPacing(): ChatPacing {
  const chats = new Map<string, ChatBuckets>();
  const refill = (bucket: Bucket, pace: ChatPace, now: number) => {
    const earned = pace.intervalMs <= 0 ? pace.burst : Math.max(0, now - bucket.at) / pace.intervalMs;
    bucket.tokens = Math.min(pace.burst, bucket.tokens + earned);
    bucket.at = now;
  };
  /** The chat's buckets brought up to `now` under `limits` (a limit the chat has no bucket for starts full). */
  const bucketsOf = (chat: string, limits: readonly ChatPace[], now: number): Bucket[] => {
    const known = chats.get(chat);
    const buckets = limits.map((pace, i) => {
      const bucket = known?.buckets[i] ?? { tokens: pace.burst, at: now };
      refill(bucket, pace, now);
      return bucket;
    });
    chats.set(chat, { limits, buckets });
    return buckets;
  };
  const rested = (entry: ChatBuckets, now: number) =>
    entry.buckets.every((bucket, i) => {
      const pace = entry.limits[i];
      return pace === undefined || bucket.tokens + (now - bucket.at) / Math.max(1, pace.intervalMs) >= pace.burst;
    });
  const prune = (now: number) => {
    if (chats.size <= SWEEP_AT) return;
    for (const [chat, entry] of chats) if (rested(entry, now)) chats.delete(chat);
    while (chats.size > KEPT_CHATS) chats.delete(chats.keys().next().value as string);
  };
  return {
    waitMs(chat, limits, now) {
      let wait = 0;
      bucketsOf(chat, limits, now).forEach((bucket, i) => {
        const pace = limits[i] as ChatPace;
        if (bucket.tokens < 1) wait = Math.max(wait, Math.ceil((1 - bucket.tokens) * pace.intervalMs));
      });
      return wait;
    },
    sent(chat, limits, now) {
      for (const bucket of bucketsOf(chat, limits, now)) bucket.tokens = Math.max(0, bucket.tokens - 1);
      // Most recently used last: the sweep and the bound drop the oldest first.
      const entry = chats.get(chat) as ChatBuckets;
      chats.delete(chat);
      chats.set(chat, entry);
      prune(now);
    },
    handOver(chat, now, wallNow) {
      const entry = chats.get(chat);
      if (entry === undefined) return undefined;
      return { buckets: entry.buckets.map((b) => ({ tokens: b.tokens, at: wallNow - (now - b.at) })) };
    },
    takeOver(chat, shared, now, wallNow) {
      const known = chats.get(chat);
      // The limits come with the next delivery; until then a bucket keeps the ones it was used under here.
      const limits = known?.limits ?? [];
      chats.set(chat, {
        limits,
        buckets: shared.buckets.map((b) => ({ tokens: b.tokens, at: now - Math.max(0, wallNow - b.at) })),
      });
    },
  };
}
