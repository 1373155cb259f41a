import type { Sleep } from "./clock.ts";
import { DropPayApiError, DropPayNetworkError } from "./errors.ts";

/** How safe calls are retried (payments.md R9: exponential backoff with jitter, at most 3 attempts). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 3, baseDelayMs: 250, maxDelayMs: 4_000 };

/** True for failures a safe call may be repeated after: no answer, a 5xx or a 429. */
export function isTransient(error: unknown): boolean {
  if (error instanceof DropPayNetworkError) return true;
  return error instanceof DropPayApiError && error.retryable;
}

/**
 * The delay before retry number `retry` (1-based): "full jitter" over an exponential ceiling, so that many
 * clients failing together do not retry together.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Runs `call`, repeating it after transient failures as the policy allows; other failures pass through at once. */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    sleep: Sleep;
    random: () => number;
    onRetry?: (error: unknown, delayMs: number) => void;
  },
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= options.policy.attempts || !isTransient(error)) throw error;
      const delayMs = backoffDelayMs(attempt, options.policy, options.random);
      options.onRetry?.(error, delayMs);
      await options.sleep(delayMs);
    }
  }
}
