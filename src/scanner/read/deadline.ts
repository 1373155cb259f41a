/** A point in time after which a scan stops trying and returns what it has. */
export interface Deadline {
  /** Milliseconds left (negative once past). */
  left(): number;
  passed(): boolean;
}

export function deadlineIn(ms: number, now: () => number = () => performance.now()): Deadline {
  const end = now() + ms;
  return {
    left: () => end - now(),
    passed: () => now() >= end,
  };
}
