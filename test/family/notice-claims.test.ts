import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createNoticeClaims } from "../../src/family/notice-claims.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { householdOf, replicaOf, romeClock } from "./fixtures.ts";

const RPT = "01199250158301000000012345678";

describe.each(testBackends())("one payment per notice per household on %s", (name) => {
  let backend: TestBackend;
  const clock = romeClock("2025-01-10T10:00:00Z");
  beforeEach(() => {
    backend = createTestBackend(name);
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("gives the notice to one of several people posting it at once; the others learn who is paying it", async () => {
    const claims = [
      createNoticeClaims(replicaOf(backend).store, clock),
      createNoticeClaims(replicaOf(backend).store, clock),
    ];
    const people = ["Marco", "Luca", "Anna", "Giulia", "Sara", "Pietro"];
    const outcomes = await Promise.all(
      people.map((name, i) =>
        (claims[i % 2] ?? claims[0])?.claim(householdOf, RPT, { paymentId: `p-${name}`, userId: `u-${name}`, name }),
      ),
    );
    const winners = outcomes.filter((o) => o?.won);
    expect(winners).toHaveLength(1);
    const payer = winners[0]?.claim.name;
    for (const o of outcomes) expect(o?.claim.name).toBe(payer);
    expect(outcomes.filter((o) => o?.won === false).every((o) => o?.claim.paymentId === `p-${payer}`)).toBe(true);
  });

  it("resumes the same payment when its own poster claims again, and frees the notice once it is final", async () => {
    const claims = createNoticeClaims(replicaOf(backend).store, clock);
    const marco = { paymentId: "p1", userId: "102", name: "Marco" };
    expect((await claims.claim(householdOf, RPT, marco)).won).toBe(true);
    expect((await claims.claim(householdOf, RPT, marco)).won).toBe(true);
    const luca = await claims.claim(householdOf, RPT, { paymentId: "p2", userId: "103", name: "Luca" });
    expect(luca).toMatchObject({ won: false, claim: { name: "Marco", paymentId: "p1" } });
    expect(await claims.release(householdOf, RPT, "p2")).toBe(false);
    expect(await claims.release(householdOf, RPT, "p1")).toBe(true);
    expect((await claims.claim(householdOf, RPT, { paymentId: "p2", userId: "103", name: "Luca" })).won).toBe(true);
  });

  it("takes over a spent claim (its payment closed) exactly once when two post the notice again", async () => {
    const a = createNoticeClaims(replicaOf(backend).store, clock);
    const b = createNoticeClaims(replicaOf(backend).store, clock);
    await a.claim(householdOf, RPT, { paymentId: "old", userId: "102", name: "Marco" });
    const closed = new Set(["old"]);
    const isOver = (claim: { paymentId: string }) => closed.has(claim.paymentId);
    const [x, y] = await Promise.all([
      a.claim(householdOf, RPT, { paymentId: "new-a", userId: "101", name: "Anna" }, isOver),
      b.claim(householdOf, RPT, { paymentId: "new-b", userId: "103", name: "Luca" }, isOver),
    ]);
    expect([x?.won, y?.won].filter(Boolean)).toHaveLength(1);
    const holder = await a.holder(householdOf, RPT);
    expect(["new-a", "new-b"]).toContain(holder?.paymentId);
    expect(x?.claim.paymentId).toBe(holder?.paymentId);
    expect(y?.claim.paymentId).toBe(holder?.paymentId);
  });

  it("keeps households apart: the same notice in two families is two payments", async () => {
    const claims = createNoticeClaims(replicaOf(backend).store, clock);
    expect((await claims.claim(householdOf, RPT, { paymentId: "p1", userId: "1", name: "A" })).won).toBe(true);
    expect((await claims.claim("telegram:-999", RPT, { paymentId: "p2", userId: "2", name: "B" })).won).toBe(true);
  });
});
