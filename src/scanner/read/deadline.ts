import { threadCpuMs } from "./thread-cpu-clock.ts";

/** A point after which a scan stops trying and returns what it has. */
export interface Deadline {
  /** Milliseconds of budget left (negative once past). */
  left(): number;
  passed(): boolean;
}

/** The clocks a deadline counts with; tests inject their own. */
export interface ScanClocks {
  /** Monotonic wall time in ms. */
  wall(): number;
  /** The scanning thread's own CPU time in ms, or undefined where it cannot be read (the wall clock then counts). */
  cpu(): number | undefined;
}

export const threadClocks: ScanClocks = { wall: () => performance.now(), cpu: threadCpuMs };

/**
 * However busy the machine, a scan still answers by this many times its budget in wall time: eight scans on two
 * cores each get a quarter of a core, and still finish their budget's worth of work.
 */
export const WALL_CEILING_FACTOR = 4;

// The deadline is polled between search steps, thousands of times a scan: the CPU clock (a /proc read) is read
// again only when this much wall time has passed, and the last reading counts in between. At 100 ticks a second
// a finer refresh would read the same value anyway.
const CPU_REFRESH_MS = 5;

/**
 * A budget in the scanning thread's own CPU time, so that a scan reads the same alone or beside others: a scan
 * sharing its core with three more waits for the CPU, and that wait is not taken from its budget. Its wall time is
 * bounded too, at WALL_CEILING_FACTOR × the budget. Where the thread's CPU time cannot be read, the budget is
 * wall time, as it was.
 */
export function deadlineIn(ms: number, clocks: ScanClocks = threadClocks): Deadline {
  const wallStart = clocks.wall();
  const cpuStart = clocks.cpu();
  if (cpuStart === undefined) {
    const end = wallStart + ms;
    return {
      left: () => end - clocks.wall(),
      passed: () => clocks.wall() >= end,
    };
  }
  const ceiling = wallStart + ms * WALL_CEILING_FACTOR;
  let cpuUsed = 0;
  let lastRead = wallStart;
  const left = () => {
    const now = clocks.wall();
    if (now - lastRead >= CPU_REFRESH_MS) {
      lastRead = now;
      const cpu = clocks.cpu();
      if (cpu !== undefined) cpuUsed = cpu - cpuStart;
    }
    return Math.min(ms - cpuUsed, ceiling - now);
  };
  return { left, passed: () => left() <= 0 };
}
