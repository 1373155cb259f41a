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

/** Per-chat token buckets: how long the next delivery to a chat must wait, and the taking of a send. */
export interface ChatPacing {
  /** Milliseconds until a delivery to `chat` may go under every one of its limits (0: now). */
  waitMs(chat: string, limits: readonly ChatPace[], now: number): number;
  /** Records a delivery sent to `chat` at `now`, under each of its limits. */
  sent(chat: string, limits: readonly ChatPace[], now: number): void;
}

/**
 * The outbox's pacing: on average one delivery per interval per chat, with bursts of up to `burst` after a quiet
 * spell. The buckets outlive a chat's queue (a queue is dropped as soon as it empties, and the next delivery must
 * still wait its turn), bounded: past KEPT_CHATS, full buckets (nothing to remember) go, then the oldest.
 */
export function createChatPacing(): ChatPacing {
  const buckets = new Map<string, Bucket>();
  const refill = (key: string, pace: ChatPace, now: number): Bucket => {
    const bucket = buckets.get(key) ?? { tokens: pace.burst, at: now };
    const earned = pace.intervalMs <= 0 ? pace.burst : (now - bucket.at) / pace.intervalMs;
    bucket.tokens = Math.min(pace.burst, bucket.tokens + earned);
    bucket.at = now;
    return bucket;
  };
  const prune = (now: number, pace: ChatPace) => {
    if (buckets.size <= SWEEP_AT) return;
    // Judged by the limit at hand: a bucket of a slower limit may go a little early (it refills to full anyway).
    for (const [key, bucket] of buckets) {
      if (bucket.tokens + (now - bucket.at) / Math.max(1, pace.intervalMs) >= pace.burst) buckets.delete(key);
    }
    while (buckets.size > KEPT_CHATS) buckets.delete(buckets.keys().next().value as string);
  };
  // One bucket per chat and limit.
  const keyOf = (chat: string, index: number) => `${index}|${chat}`;
  return {
    waitMs(chat, limits, now) {
      let wait = 0;
      limits.forEach((pace, index) => {
        const bucket = refill(keyOf(chat, index), pace, now);
        if (bucket.tokens < 1) wait = Math.max(wait, Math.ceil((1 - bucket.tokens) * pace.intervalMs));
      });
      return wait;
    },
    sent(chat, limits, now) {
      limits.forEach((pace, index) => {
        const key = keyOf(chat, index);
        const bucket = refill(key, pace, now);
        bucket.tokens = Math.max(0, bucket.tokens - 1);
        buckets.delete(key);
        buckets.set(key, bucket);
        prune(now, pace);
      });
    },
  };
}
