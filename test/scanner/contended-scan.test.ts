import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ScanClocks } from "../../src/scanner/read/deadline.ts";
import { scanBytes } from "../../src/scanner/scan-bytes.ts";
import { fixtureDir } from "./corpus.ts";

// A photo whose tiny code is not read at the first look: the search needs some of its budget.
const photo = () => new Uint8Array(readFileSync(join(fixtureDir, "dev-0015.jpg")));
const notice = "394703946047407254";

/**
 * A machine where this scan shares its core with two others: each look at the clocks finds `step` ms of wall time
 * gone, of which the scan's thread ran a third. Time moves with the scan's own progress, never with the real
 * machine's speed, so the outcome is the same on any machine. `cpu: false` is a platform without the thread's CPU
 * clock, where the budget is wall time.
 */
function contended(step: number, cpu: boolean): ScanClocks {
  let wall = 0;
  return { wall: () => (wall += step), cpu: () => (cpu ? wall / 3 : undefined) };
}

describe("a scan on a busy machine", () => {
  it("reads the notice with its budget in its own CPU time, where a wall-clock budget gives up first", async () => {
    const cpuBudget = await scanBytes(photo(), { timeBudgetMs: 1200, clocks: contended(200, true) });
    expect(cpuBudget.notices.map((n) => [n.noticeNumber, n.amountCents])).toEqual([[notice, 19742]]);

    // The same scan and the same clocks, counting wall time: the search stops before it reads the code.
    const wallBudget = await scanBytes(photo(), { timeBudgetMs: 1200, clocks: contended(200, false) });
    expect(wallBudget.notices).toEqual([]);
  });
});
