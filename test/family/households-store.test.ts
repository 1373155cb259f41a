import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { anna, annaAccount, group, luca, marco, marcoAccount, type Replica, replicaOf, romeClock } from "./fixtures.ts";

describe.each(testBackends())("households stored on %s", (name) => {
  let backend: TestBackend;
  let a: Replica;
  let b: Replica;
  const clock = romeClock("2025-01-10T10:00:00Z");
  beforeEach(() => {
    backend = createTestBackend(name);
    a = replicaOf(backend);
    b = replicaOf(backend);
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("creates one household per group however many run /famiglia at once, the first becoming payer", async () => {
    const results = await Promise.all([
      a.households.create(group, anna, annaAccount, 1),
      b.households.create(group, marco, marcoAccount, 2),
      a.households.create(group, luca, marcoAccount, 3),
    ]);
    const created = results.filter((r) => r.ok && r.value.created);
    expect(created).toHaveLength(1);
    const stored = await b.households.get(group);
    expect(stored?.payers).toHaveLength(1);
    for (const r of results) expect(r.ok && r.value.household.payers[0]?.userId).toBe(stored?.payers[0]?.userId);
  });

  it("refuses a household in a private chat", async () => {
    const r = await a.households.create({ ...group, kind: "private" }, anna, annaAccount, 1);
    expect(r.ok === false && r.error.code).toBe("not_a_group");
    expect(await a.households.get({ ...group, kind: "private" })).toBeUndefined();
  });

  it("keeps every member seen by two replicas at once, each with a cap of 0", async () => {
    await a.households.create(group, anna, annaAccount, clock.now());
    const people = Array.from({ length: 8 }, (_, i) => ({ userId: `u${i}`, name: `Persona ${i}` }));
    await Promise.all(people.map((p, i) => (i % 2 === 0 ? a : b).households.noteSeen(group, p, clock.now())));
    const h = await a.households.get(group);
    expect(h?.members.map((m) => m.userId).sort()).toEqual(people.map((p) => p.userId).sort());
    expect(h?.members.every((m) => m.capCents === 0)).toBe(true);
  });

  it("sets caps, hands over and adds a payer, refusing members and unknown people", async () => {
    await a.households.create(group, anna, annaAccount, clock.now());
    await a.households.noteSeen(group, marco, clock.now());
    await a.households.noteSeen(group, luca, clock.now());
    const byMember = await b.households.setCap(group, marco.userId, luca.userId, 1000);
    expect(byMember.ok === false && byMember.error.code).toBe("not_a_payer");
    const capped = await b.households.setCap(group, anna.userId, marco.userId, 5000);
    expect(capped.ok && capped.value.members.find((m) => m.userId === marco.userId)?.capCents).toBe(5000);
    const second = await a.households.addPayer(group, anna.userId, marco.userId, marcoAccount, clock.now());
    expect(second.ok && second.value.payers.map((p) => p.name)).toEqual(["Anna", "Marco"]);
    const handed = await b.households.handOver(
      group,
      anna.userId,
      luca.userId,
      { accountId: "droppay:luca", label: null },
      9,
    );
    expect(handed.ok && handed.value.payers.map((p) => p.name)).toEqual(["Luca", "Marco"]);
    expect((await a.households.get(group))?.members.map((m) => m.name)).toEqual(["Anna"]);
    const missing = await a.households.setCap({ ...group, chatId: "other" }, anna.userId, marco.userId, 1);
    expect(missing.ok === false && missing.error.code).toBe("no_household");
  });
});
