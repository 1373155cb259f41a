import { describe, expect, it } from "vitest";
import type { ChatRef } from "../../src/engine/events.ts";
import {
  addPayer,
  type Household,
  handOver,
  mayApprove,
  mayPayAlone,
  newHousehold,
  noteSeen,
  removePayer,
  roleOf,
  routeFor,
  setCap,
} from "../../src/family/household.ts";
import type { Cents } from "../../src/notice/money.ts";

const group: ChatRef = { platform: "telegram", chatId: "-100", kind: "group" };
const anna = { userId: "1", name: "Anna" };
const marco = { userId: "2", name: "Marco" };
const luca = { userId: "3", name: "Luca" };
const annaAccount = { accountId: "acc-anna", label: "Anna · IT60…4567" };
const marcoAccount = { accountId: "acc-marco", label: null };
const c = (n: number) => n as Cents;

function unwrap<T, E>(r: { ok: true; value: T } | { ok: false; error: E }): T {
  if (!r.ok) throw new Error(`refused: ${JSON.stringify(r.error)}`);
  return r.value;
}

function family(): Household {
  let h = unwrap(newHousehold(group, anna, annaAccount, 1));
  h = noteSeen(h, marco, 2) ?? h;
  h = noteSeen(h, luca, 3) ?? h;
  return h;
}

describe("a household's rules", () => {
  it("is created in a group with its creator as payer, and refused in a private chat", () => {
    const h = unwrap(newHousehold(group, anna, annaAccount, 1));
    expect(h.payers).toEqual([{ userId: "1", name: "Anna", account: annaAccount, since: 1 }]);
    expect(h.members).toEqual([]);
    const refused = newHousehold({ ...group, kind: "private" }, anna, annaAccount, 1);
    expect(refused.ok === false && refused.error.code).toBe("not_a_group");
  });

  it("records people as they are seen, with a cap of 0, and writes nothing when nothing changed", () => {
    const h = family();
    expect(h.members.map((m) => [m.name, m.capCents])).toEqual([
      ["Marco", 0],
      ["Luca", 0],
    ]);
    expect(noteSeen(h, marco, 9)).toBeUndefined();
    expect(noteSeen(h, anna, 9)).toBeUndefined();
    expect(noteSeen(h, { ...marco, name: "Marco R." }, 9)?.members[0]?.name).toBe("Marco R.");
    expect(roleOf(h, "1")).toBe("payer");
    expect(roleOf(h, "2")).toBe("member");
    expect(roleOf(h, "99")).toBe("unknown");
  });

  it("routes a new member's notice to the payer for approval, and a payer's own notice to their account", () => {
    const h = family();
    expect(routeFor(h, "2", c(5000), c(0))).toMatchObject({
      kind: "approval",
      reason: "no_cap",
      payer: { name: "Anna" },
    });
    expect(routeFor(h, "1", c(5000), c(0))).toMatchObject({ kind: "payer", payer: { account: annaAccount } });
    expect(mayPayAlone(h, "2")).toBe(false);
    expect(mayPayAlone(h, "1")).toBe(true);
  });

  it("lets a member under their cap pay alone from the payer's account, and asks the payer beyond it", () => {
    const h = unwrap(setCap(family(), "1", "2", 5000));
    expect(mayPayAlone(h, "2")).toBe(true);
    expect(routeFor(h, "2", c(3000), c(2000))).toMatchObject({
      kind: "alone",
      remainingCents: 3000,
      payer: { name: "Anna" },
    });
    expect(routeFor(h, "2", c(3001), c(2000))).toMatchObject({ kind: "approval", reason: "over_cap" });
  });

  it("lets only a payer set a cap, to whole cents of a known member", () => {
    const h = family();
    expect(unwrap(setCap(h, "1", "2", 5000)).members[0]?.capCents).toBe(5000);
    const byMember = setCap(h, "2", "3", 5000);
    expect(byMember.ok === false && byMember.error.code).toBe("not_a_payer");
    const fraction = setCap(h, "1", "2", 50.5);
    expect(fraction.ok === false && fraction.error.code).toBe("cap_invalid");
    const negative = setCap(h, "1", "2", -1);
    expect(negative.ok === false && negative.error.code).toBe("cap_invalid");
    const stranger = setCap(h, "1", "99", 100);
    expect(stranger.ok === false && stranger.error.code).toBe("unknown_member");
  });

  it("lets only a payer approve, says which payer approved, and refuses a member's press", () => {
    const h = unwrap(addPayer(family(), "1", "2", marcoAccount, 5));
    expect(unwrap(mayApprove(h, "1", "3")).account).toEqual(annaAccount);
    expect(unwrap(mayApprove(h, "2", "3")).account).toEqual(marcoAccount);
    const member = mayApprove(family(), "3", "2");
    expect(member.ok === false && member.error.code).toBe("not_a_payer");
    const own = mayApprove(h, "1", "1");
    expect(own.ok === false && own.error.code).toBe("own_request");
  });

  it("hands the payer role over: the new payer pays from their account, the former one becomes a member at 0", () => {
    const h = unwrap(handOver(unwrap(setCap(family(), "1", "2", 5000)), "1", "2", marcoAccount, 7));
    expect(h.payers.map((p) => [p.name, p.account.accountId])).toEqual([["Marco", "acc-marco"]]);
    expect(h.members.map((m) => [m.name, m.capCents])).toEqual([
      ["Luca", 0],
      ["Anna", 0],
    ]);
    const byMember = handOver(family(), "2", "3", marcoAccount, 7);
    expect(byMember.ok === false && byMember.error.code).toBe("not_a_payer");
    const self = handOver(family(), "1", "1", annaAccount, 7);
    expect(self.ok === false && self.error.code).toBe("same_person");
    const stranger = handOver(family(), "1", "99", marcoAccount, 7);
    expect(stranger.ok === false && stranger.error.code).toBe("unknown_member");
  });

  it("adds a second payer (no more than two), and removes one only while another remains", () => {
    const two = unwrap(addPayer(family(), "1", "2", marcoAccount, 5));
    expect(two.payers.map((p) => p.name)).toEqual(["Anna", "Marco"]);
    expect(two.members.map((m) => m.name)).toEqual(["Luca"]);
    const third = addPayer(two, "1", "3", marcoAccount, 6);
    expect(third.ok === false && third.error.code).toBe("already_payer");
    const again = addPayer(two, "1", "2", marcoAccount, 6);
    expect(again.ok === false && again.error.code).toBe("already_payer");
    const one = unwrap(removePayer(two, "2", "1", 8));
    expect(one.payers.map((p) => p.name)).toEqual(["Marco"]);
    const last = removePayer(one, "2", "2", 9);
    expect(last.ok === false && last.error.code).toBe("last_payer");
  });
});
