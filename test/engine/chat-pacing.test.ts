import { describe, expect, it } from "vitest";
import { createChatPacing } from "../../src/engine/chat-pacing.ts";
import type { ChatPace } from "../../src/engine/ports.ts";

/** Sends to one chat as fast as the pacing allows for `spanMs` (business as usual under a burst of notices). */
function sendGreedily(limits: readonly ChatPace[], spanMs: number): number[] {
  const pacing = createChatPacing();
  const times: number[] = [];
  let now = 0;
  while (now <= spanMs) {
    const wait = pacing.waitMs("telegram:-100", limits, now);
    now += wait;
    if (now > spanMs) break;
    pacing.sent("telegram:-100", limits, now);
    times.push(now);
  }
  return times;
}

const most = (times: number[], windowMs: number) =>
  Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));

describe("chat pacing", () => {
  const group: ChatPace[] = [
    { intervalMs: 1_000, burst: 2 },
    { intervalMs: 4_000, burst: 5 },
  ];

  it("lets a burst of two through at once, then about one a second", () => {
    const times = sendGreedily([{ intervalMs: 1_000, burst: 2 }], 10_000);
    expect(times.slice(0, 2)).toEqual([0, 0]);
    expect(times[2]).toBe(1_000);
    expect(most(times, 1_000)).toBe(2);
  });

  it("never lets a group have more than 20 in any minute, nor more than two in any second", () => {
    const times = sendGreedily(group, 180_000);
    expect(most(times, 60_000)).toBeLessThanOrEqual(20);
    expect(most(times, 1_000)).toBeLessThanOrEqual(2);
    // ... while a group's first few messages still go out at once: a card's edit and its PAID message.
    expect(times.slice(0, 2)).toEqual([0, 0]);
  });

  it("hands a group's pace to the next process that serves it: it waits its turn, as the first would have", () => {
    const first = createChatPacing();
    // A card's edit and its PAID message, then four more: the second's burst is spent, the group's nearly.
    for (let i = 0; i < 6; i++) first.sent("telegram:-100", group, i * 1_000);
    const left = first.handOver("telegram:-100", 5_000, 1_800_000_005_000);
    // The next process's monotonic clock started elsewhere; it takes the chat over 200 ms (wall clock) later.
    const next = createChatPacing();
    expect(left).toBeDefined();
    next.takeOver("telegram:-100", left ?? { buckets: [] }, 70_000, 1_800_000_005_200);
    expect(next.waitMs("telegram:-100", group, 70_000)).toBe(first.waitMs("telegram:-100", group, 5_200));
    expect(next.waitMs("telegram:-100", group, 70_000)).toBeGreaterThan(0);
    // A chat the first process never served has nothing to hand over.
    expect(first.handOver("telegram:-200", 5_000, 1_800_000_005_000)).toBeUndefined();
  });

  it("keeps one chat's pace from another's", () => {
    const pacing = createChatPacing();
    const limits = [{ intervalMs: 1_000, burst: 1 }];
    pacing.sent("telegram:1", limits, 0);
    expect(pacing.waitMs("telegram:1", limits, 0)).toBe(1_000);
    expect(pacing.waitMs("telegram:2", limits, 0)).toBe(0);
  });
});
