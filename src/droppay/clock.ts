/** Where DropPay code reads the time: token expiry, backoff and the sandbox's scheduled payments. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** Waits `ms` milliseconds; injected so that tests can make backoff instant. */
export type Sleep = (ms: number) => Promise<void>;

/** Waits on a real timer. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock that moves only when told: `advance(ms)`. For tests of expiry and scheduling. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

/** Creates a ManualClock starting at `startMs` (default 2026-03-02T09:00:00Z, a Monday). */
export function createManualClock(startMs = Date.UTC(2026, 2, 2, 9, 0, 0)): ManualClock {
  let now = startMs;
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    set: (epochMs) => {
      now = epochMs;
    },
  };
}
