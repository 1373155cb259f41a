import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/droppay/clock.ts";
import { findDueDate } from "../../src/family/due-date.ts";
import { createFamily, type Family } from "../../src/family/family.ts";
import { type Household, mayApprove, routeFor } from "../../src/family/household.ts";
import { familyMessagesFor } from "../../src/family/i18n.ts";
import { parseLimitCommand } from "../../src/family/limit-command.ts";
import { familyCardParts } from "../../src/family/views.ts";
import type { Cents } from "../../src/notice/money.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { anna, annaAccount, group, householdOf, luca, marco, romeClock } from "./fixtures.ts";

const c = (n: number) => n as Cents;
const RPT = "01199250158301000000012345678";
const NBSP = "\u00a0";

/**
 * The family domain driven the way the engine will drive it (see the integration plan), by two replicas sharing
 * one store: what each step decides and what people would read.
 */
describe.each(testBackends())("a family's notice from post to PAID on %s", (name) => {
  let backend: TestBackend;
  let clock: ManualClock;
  let one: Family;
  let two: Family;
  beforeEach(async () => {
    backend = createTestBackend(name);
    clock = romeClock("2024-12-20T10:00:00Z");
    one = createFamily({ kv: backend.open(), clock, replicaId: "one" });
    two = createFamily({ kv: backend.open(), clock, replicaId: "two" });
    const created = await one.households.create(group, anna, annaAccount, clock.now());
    expect(created.ok && created.value.created).toBe(true);
    for (const who of [marco, luca]) await two.households.noteSeen(group, who, clock.now());
  });
  afterEach(async () => {
    await backend.dispose();
  });

  const household = async (f: Family): Promise<Household> => {
    const h = await f.households.get(group);
    if (h === undefined) throw new Error("no household");
    return h;
  };

  it("Luca's notice waits for Anna; Marco posting it again learns Luca is paying it; Anna approves; PAID", async () => {
    // Luca posts a PDF whose text says when it is due.
    const due = findDueDate("TARI 2025 — Da pagare entro il 04/01/2025", "read");
    expect(due?.date).toBe("2025-01-04");
    const claim = await one.claims.claim(householdOf, RPT, { paymentId: "pay-luca", ...luca });
    expect(claim.won).toBe(true);
    const route = routeFor(await household(one), luca.userId, c(103069), c(0));
    expect(route.kind).toBe("approval");
    await one.reminders.schedule({
      householdId: householdOf,
      rptId: RPT,
      paymentId: "pay-luca",
      dueDate: "2025-01-04",
    });
    const card = familyCardParts(
      { route, totalCents: c(103069), askedBy: luca.name, dueDate: due, reminding: true, open: true },
      "it",
    );
    expect(card.lines).toContain("Serve l'approvazione di Anna");
    expect(card.buttons.map((b) => b.label)).toEqual([
      `Approva e paga 1.030,69${NBSP}€`,
      "Rifiuta",
      "Non ricordarmelo",
    ]);

    // Marco posts the same notice on the other replica: he is told who is paying it.
    const again = await two.claims.claim(householdOf, RPT, { paymentId: "pay-marco", ...marco });
    expect(again.won).toBe(false);
    expect(familyMessagesFor("it").toast.alreadyPaying(again.claim.name)).toBe("Luca lo sta già pagando.");

    // Marco presses "Approva e paga": a polite refusal, nothing moves.
    const byMarco = mayApprove(await household(two), marco.userId, luca.userId);
    expect(byMarco.ok === false && byMarco.error.code).toBe("not_a_payer");
    // Anna presses it: the money comes from her account.
    const byAnna = mayApprove(await household(one), anna.userId, luca.userId);
    expect(byAnna.ok && byAnna.value.account.accountId).toBe(annaAccount.accountId);

    // The D-7 reminder fires once, on one replica.
    clock.set(Date.parse("2024-12-28T08:00:00Z"));
    const sent: string[] = [];
    await Promise.all(
      [one, two].map((f) =>
        f.reminders.fireDue(clock.now(), async (r) => {
          sent.push(r.kind);
          return "sent";
        }),
      ),
    );
    expect(sent).toEqual(["d7"]);

    // PAID: the notice is free again, the rest of its reminders are cancelled.
    expect(await two.claims.release(householdOf, RPT, "pay-luca")).toBe(true);
    expect(await two.reminders.cancel(householdOf, RPT, clock.now())).toBe(2);
    clock.set(Date.parse("2025-01-04T08:00:00Z"));
    expect(await one.reminders.dueReminders(clock.now())).toEqual([]);
    expect(familyMessagesFor("it").attribution(luca.name, anna.name)).toBe("Chiesto da Luca, approvato da Anna.");
  });

  it("Marco, with a 50 € limit, pays alone; two notices at once cannot both pass it; PAID commits, FAILED gives back", async () => {
    const limit = parseLimitCommand(await household(one), "@marco 50", null);
    if (!limit.ok) throw limit.error;
    const set = await one.households.setCap(group, anna.userId, limit.value.memberId, limit.value.capCents);
    expect(set.ok).toBe(true);
    const h = await household(two);
    expect(routeFor(h, marco.userId, c(3000), c(0)).kind).toBe("alone");

    const [school, tari] = await Promise.all([
      one.caps.reserve({ householdId: householdOf, memberId: marco.userId, paymentId: "school", amountCents: c(3000) }),
      two.caps.reserve({ householdId: householdOf, memberId: marco.userId, paymentId: "tari", amountCents: c(3000) }),
    ]);
    expect([school?.ok, tari?.ok].filter(Boolean)).toHaveLength(1);
    const winner = school?.ok ? "school" : "tari";
    const loser = school?.ok ? tari : school;
    // The loser's card turns into an approval card, saying what is left.
    expect(loser?.ok === false && loser.error.remainingCents).toBe(2000);
    const total = await one.caps.monthTotal(householdOf, marco.userId);
    const route = routeFor(h, marco.userId, c(3000), c(total.committedCents + total.reservedCents));
    expect(route).toMatchObject({ kind: "approval", reason: "over_cap" });

    await two.caps.release(winner); // FAILED
    expect((await one.caps.monthTotal(householdOf, marco.userId)).remainingCents).toBe(5000);
    const retry = await one.caps.reserve({
      householdId: householdOf,
      memberId: marco.userId,
      paymentId: winner,
      amountCents: c(3000),
    });
    expect(retry.ok).toBe(true);
    await two.caps.commit(winner); // PAID
    expect(await one.caps.monthTotal(householdOf, marco.userId)).toMatchObject({
      committedCents: 3000,
      remainingCents: 2000,
    });
  });
});
