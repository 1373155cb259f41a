import { readFileSync } from "node:fs";

// /proc reports utime and stime in USER_HZ, which the kernel fixes at 100 for every user-space ABI (what
// `getconf CLK_TCK` prints): one tick is 10 ms whatever the kernel's own HZ.
const MS_PER_TICK = 1000 / 100;
const STAT = "/proc/thread-self/stat";

let available: boolean | undefined;

/**
 * CPU time the calling thread has used, user and system, in milliseconds (10 ms steps), or undefined where Linux's
 * /proc is not there. Read synchronously on purpose: a synchronous read runs on the calling thread, so
 * `thread-self` is this scan's thread and not one of libuv's. About 10 µs a read; the deadline reads it sparingly.
 */
export function threadCpuMs(): number | undefined {
  if (available === false) return undefined;
  let stat: string;
  try {
    stat = readFileSync(STAT, "latin1");
  } catch {
    available = false;
    return undefined;
  }
  available = true;
  return cpuMsFromStat(stat);
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line; the command name before them may hold spaces. */
export function cpuMsFromStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // Field 3 (the state) is fields[0] here.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return (utime + stime) * MS_PER_TICK;
}
