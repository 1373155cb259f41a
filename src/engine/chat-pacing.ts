import type { ChatPace } from "./ports.ts";

/** Chats whose buckets are kept once their queue empties; a full bucket carries no state and is dropped first. */
const KEPT_CHATS = 10_000;

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (monotonic ms). */
  at: number;
}

/** Per-chat token buckets: how long the next delivery to a chat must wait, and the taking of a send. */
export interface ChatPacing {
  /** Milliseconds until a delivery to `chat` may go (0: now). */
  waitMs(chat: string, pace: ChatPace, now: number): number;
  /** Records a delivery sent to `chat` at `now`. */
  sent(chat: string, pace: ChatPace, now: number): void;
}

/**
 * The outbox's pacing: on average one delivery per interval per chat, with bursts of up to `burst` after a quiet
 * spell. The buckets outlive a chat's queue (a queue is dropped as soon as it empties, and the next delivery must
 * still wait its turn), bounded: past KEPT_CHATS, full buckets (nothing to remember) go, then the oldest.
 */
export function createChatPacing(): ChatPacing {
  const buckets = new Map<string, Bucket>();
  const refill = (chat: string, pace: ChatPace, now: number): Bucket => {
    const bucket = buckets.get(chat) ?? { tokens: pace.burst, at: now };
    const earned = pace.intervalMs <= 0 ? pace.burst : (now - bucket.at) / pace.intervalMs;
    bucket.tokens = Math.min(pace.burst, bucket.tokens + earned);
    bucket.at = now;
    return bucket;
  };
  const prune = (now: number, pace: ChatPace) => {
    if (buckets.size <= KEPT_CHATS) return;
    for (const [chat, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.at) / Math.max(1, pace.intervalMs) >= pace.burst) buckets.delete(chat);
    }
    while (buckets.size > KEPT_CHATS) buckets.delete(buckets.keys().next().value as string);
  };
  return {
    waitMs(chat, pace, now) {
      const bucket = refill(chat, pace, now);
      return bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) * pace.intervalMs);
    },
    sent(chat, pace, now) {
      const bucket = refill(chat, pace, now);
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      buckets.delete(chat);
      buckets.set(chat, bucket);
      prune(now, pace);
    },
  };
}
