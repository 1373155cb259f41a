import { describe, expect, it } from "vitest";
import type { ChatRef } from "../../src/engine/events.ts";
import { type Household, newHousehold, noteSeen } from "../../src/family/household.ts";
import { parseLimitCommand } from "../../src/family/limit-command.ts";

const group: ChatRef = { platform: "telegram", chatId: "-1", kind: "group" };

function family(): Household {
  const created = newHousehold(group, { userId: "1", name: "Anna Rossi" }, { accountId: "a", label: null }, 0);
  if (!created.ok) throw created.error;
  let h = created.value;
  for (const [userId, name] of [
    ["2", "Marco Rossi"],
    ["3", "Luca"],
    ["4", "Lucia Bianchi"],
    ["5", "Niccolò"],
  ] as const) {
    h = noteSeen(h, { userId, name }, 0) ?? h;
  }
  return h;
}

describe("/limite", () => {
  it.each([
    ["@marco 50", "2", 5000],
    ["marco 50,00", "2", 5000],
    ["@Marco_Rossi 12,50 €", "2", 1250],
    ["Marco Rossi € 100", "2", 10000],
    ["@luca 0", "3", 0],
    ["@lucia 1.000,00", "4", 100000],
    ["@niccolo 20", "5", 2000],
  ])("reads %j", (args, memberId, capCents) => {
    expect(parseLimitCommand(family(), args, null)).toEqual({ ok: true, value: { memberId, capCents } });
  });

  it("takes the person from the message it replies to", () => {
    expect(parseLimitCommand(family(), "50", "3")).toEqual({ ok: true, value: { memberId: "3", capCents: 5000 } });
  });

  it.each([
    ["@marco", "cap_invalid"],
    ["@marco cinquanta", "cap_invalid"],
    ["@marco 12,345", "cap_invalid"],
    // "1.000" could be one euro or a thousand: money is never guessed (notice/money.ts).
    ["@lucia 1.000", "cap_invalid"],
    ["50", "unknown_member"],
    ["@giulia 50", "unknown_member"],
    ["@luc 50", "ambiguous_member"],
    ["@rossi 50", "unknown_member"],
  ])("refuses %j (%s)", (args, code) => {
    const result = parseLimitCommand(family(), args, null);
    expect(result.ok === false && result.error.code).toBe(code);
  });
});
