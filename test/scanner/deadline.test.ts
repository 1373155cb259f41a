import { describe, expect, it } from "vitest";
import { deadlineIn, type ScanClocks, WALL_CEILING_FACTOR } from "../../src/scanner/read/deadline.ts";

/** A hand-moved wall clock and a thread CPU clock that runs at `share` of it (1: alone on a core). */
function clocks(options: { share?: number; cpu?: boolean } = {}) {
  let wall = 1_000;
  let cpu = 50;
  let cpuReads = 0;
  const pair: ScanClocks = {
    wall: () => wall,
    cpu: () => {
      cpuReads++;
      return options.cpu === false ? undefined : cpu;
    },
  };
  return {
    pair,
    /** Lets `ms` of wall time pass, of which the thread runs `share`. */
    advance(ms: number) {
      wall += ms;
      cpu += ms * (options.share ?? 1);
    },
    cpuReads: () => cpuReads,
  };
}

describe("a scan's deadline", () => {
  it("alone on its core, passes when its budget of CPU time is spent", () => {
    const c = clocks();
    const deadline = deadlineIn(1200, c.pair);
    c.advance(1190);
    expect(deadline.passed()).toBe(false);
    expect(deadline.left()).toBe(10);
    c.advance(10);
    expect(deadline.passed()).toBe(true);
  });

  it("sharing its core with another scan, still gets its whole budget of CPU time (twice the wall time)", () => {
    const c = clocks({ share: 1 / 2 });
    const deadline = deadlineIn(1200, c.pair);
    c.advance(1200);
    expect(deadline.passed()).toBe(false);
    expect(deadline.left()).toBe(600);
    c.advance(1190);
    expect(deadline.passed()).toBe(false);
    c.advance(10);
    expect(deadline.passed()).toBe(true);
  });

  it("on a machine too busy to give it any CPU, still answers at the wall ceiling", () => {
    const c = clocks({ share: 0 });
    const deadline = deadlineIn(1200, c.pair);
    c.advance(1200 * WALL_CEILING_FACTOR - 1);
    expect(deadline.passed()).toBe(false);
    expect(deadline.left()).toBe(1);
    c.advance(1);
    expect(deadline.passed()).toBe(true);
  });

  it("counts wall time where the thread's CPU time cannot be read", () => {
    const c = clocks({ cpu: false, share: 1 / 3 });
    const deadline = deadlineIn(1200, c.pair);
    c.advance(1199);
    expect(deadline.passed()).toBe(false);
    c.advance(1);
    expect(deadline.passed()).toBe(true);
  });

  it("reads the CPU clock again only once some wall time has passed, however often it is polled", () => {
    const c = clocks();
    const deadline = deadlineIn(1200, c.pair);
    expect(c.cpuReads()).toBe(1);
    for (let i = 0; i < 1000; i++) deadline.passed();
    expect(c.cpuReads()).toBe(1);
    c.advance(1199);
    // Between readings the last one counts: one read here, none for the polls after it.
    for (let i = 0; i < 1000; i++) deadline.passed();
    expect(c.cpuReads()).toBe(2);
    expect(deadline.left()).toBe(1);
  });
});
