import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cpuMsFromStat, threadCpuMs } from "../../src/scanner/read/thread-cpu-clock.ts";

const linux = existsSync("/proc/thread-self/stat");

describe("the scanning thread's CPU clock", () => {
  it("adds utime and stime, in 10 ms ticks, after a command name that holds spaces and parentheses", () => {
    // pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime …
    const stat = "4242 (node (worker) 1) R 1 4242 4242 0 -1 4194560 1234 0 0 0 317 42 0 0 20 0 12 0\n";
    expect(cpuMsFromStat(stat)).toBe((317 + 42) * 10);
  });

  it.skipIf(!linux)("does not advance while the thread waits, and advances while it works", () => {
    const before = threadCpuMs();
    expect(before).toBeTypeOf("number");
    // Blocks this thread without running it, as a scan thread waiting for a core does.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300);
    const afterWait = threadCpuMs() as number;
    // At most the tick that was under way when the wait began.
    expect(afterWait - (before as number)).toBeLessThanOrEqual(10);

    let spun = 0;
    const giveUp = performance.now() + 10_000;
    while ((threadCpuMs() as number) < afterWait + 30 && performance.now() < giveUp) spun++;
    expect(threadCpuMs() as number).toBeGreaterThanOrEqual(afterWait + 30);
    expect(spun).toBeGreaterThan(0);
  });
});
