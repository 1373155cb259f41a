import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/droppay/clock.ts";
import { createCaps } from "../../src/family/caps.ts";
import type { Cents } from "../../src/notice/money.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { householdOf, luca, marco, type Replica, replicaOf, romeClock, seedFamily } from "./fixtures.ts";

const c = (n: number) => n as Cents;

describe.each(testBackends())("monthly caps on %s", (name) => {
  let backend: TestBackend;
  let a: Replica;
  let b: Replica;
  let clock: ManualClock;
  beforeEach(async () => {
    backend = createTestBackend(name);
    a = replicaOf(backend);
    b = replicaOf(backend);
    clock = romeClock("2025-03-10T10:00:00Z");
    await seedFamily(a, clock, 5000);
  });
  afterEach(async () => {
    await backend.dispose();
  });
  const reserve = (r: Replica, paymentId: string, cents: number, memberId = marco.userId) =>
    createCaps(r.store, clock).reserve({ householdId: householdOf, memberId, paymentId, amountCents: c(cents) });

  it("reserves under the cap, refuses over it saying what is left, and counts PAID as spent", async () => {
    const caps = createCaps(a.store, clock);
    expect((await reserve(a, "p1", 3000)).ok).toBe(true);
    const over = await reserve(a, "p2", 2001);
    expect(over.ok === false && over.error.error.code).toBe("cap_exceeded");
    expect(over.ok === false && over.error.remainingCents).toBe(2000);
    expect((await reserve(a, "p3", 2000)).ok).toBe(true);
    await caps.commit("p1");
    expect(await caps.monthTotal(householdOf, marco.userId)).toEqual({
      month: "2025-03",
      committedCents: 3000,
      reservedCents: 2000,
      capCents: 5000,
      remainingCents: 0,
    });
  });

  it("gives the amount back when the payment fails or is cancelled, but never a paid one", async () => {
    const caps = createCaps(b.store, clock);
    await reserve(a, "p1", 5000);
    expect((await reserve(a, "p2", 1)).ok).toBe(false);
    await caps.release("p1");
    await caps.release("p1");
    expect((await caps.monthTotal(householdOf, marco.userId)).remainingCents).toBe(5000);
    await reserve(a, "p2", 4000);
    await caps.commit("p2");
    await caps.release("p2");
    await caps.commit("p2");
    expect(await caps.monthTotal(householdOf, marco.userId)).toMatchObject({ committedCents: 4000, reservedCents: 0 });
  });

  it("holds a payment once however often it is reserved again, and again after a release (Riprova)", async () => {
    const both = await Promise.all([reserve(a, "p1", 3000), reserve(b, "p1", 3000)]);
    expect(both.map((r) => r.ok)).toEqual([true, true]);
    await reserve(b, "p1", 3000);
    const caps = createCaps(a.store, clock);
    expect((await caps.monthTotal(householdOf, marco.userId)).reservedCents).toBe(3000);
    await caps.release("p1");
    expect((await reserve(b, "p1", 3000)).ok).toBe(true);
    expect((await caps.monthTotal(householdOf, marco.userId)).reservedCents).toBe(3000);
  });

  it("refuses everything to a member whose cap is 0", async () => {
    const r = await reserve(a, "p1", 1, luca.userId);
    expect(r.ok === false && r.error.error.code).toBe("cap_exceeded");
  });

  it("starts again at midnight of the 1st, Italian time; a payment keeps the month it was reserved in", async () => {
    const caps = createCaps(a.store, clock);
    clock.set(Date.parse("2025-03-31T21:30:00Z")); // 23:30 on 31 March in Rome (summer time)
    expect((await reserve(a, "march", 5000)).ok).toBe(true);
    expect((await reserve(a, "late", 1)).ok).toBe(false);
    clock.set(Date.parse("2025-03-31T22:00:00Z")); // 00:00 on 1 April in Rome; still 31 March in UTC
    expect((await caps.monthTotal(householdOf, marco.userId)).month).toBe("2025-04");
    expect((await reserve(a, "april", 5000)).ok).toBe(true);
    await caps.commit("march");
    expect((await caps.monthTotal(householdOf, marco.userId)).committedCents).toBe(0);
    clock.set(Date.parse("2025-03-31T12:00:00Z"));
    expect(await caps.monthTotal(householdOf, marco.userId)).toMatchObject({ month: "2025-03", committedCents: 5000 });
  });

  it("never lets two notices at once both slip under the cap (two connections)", async () => {
    // Marco already paid 10 € this month: 40 € are left, and two 30 € notices arrive at once.
    await reserve(a, "canteen", 1000);
    await createCaps(a.store, clock).commit("canteen");
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([reserve(a, `school-${round}`, 3000), reserve(b, `tari-${round}`, 3000)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const won = results[0]?.ok ? `school-${round}` : `tari-${round}`;
      expect((await createCaps(a.store, clock).monthTotal(householdOf, marco.userId)).reservedCents).toBe(3000);
      await createCaps(b.store, clock).release(won);
    }
  });

  it("lets exactly as many of twenty racing reservations through as the cap holds (two connections)", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => reserve(i % 2 === 0 ? a : b, `p${i}`, 1000)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    const total = await createCaps(b.store, clock).monthTotal(householdOf, marco.userId);
    expect(total.reservedCents).toBe(5000);
  });
});
