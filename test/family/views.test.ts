import { describe, expect, it } from "vitest";
import type { ChatRef } from "../../src/engine/events.ts";
import type { MonthTotal } from "../../src/family/caps.ts";
import { addPayer, type Household, newHousehold, noteSeen, routeFor, setCap } from "../../src/family/household.ts";
import { familyCardParts, historyText, householdSummary, pendingText } from "../../src/family/views.ts";
import type { Cents } from "../../src/notice/money.ts";

const c = (n: number) => n as Cents;
const group: ChatRef = { platform: "telegram", chatId: "-1", kind: "group" };
const NBSP = "\u00a0";

function family(): Household {
  const created = newHousehold(
    group,
    { userId: "1", name: "Anna" },
    { accountId: "a", label: "Anna Rossi · IT60…4567" },
    0,
  );
  if (!created.ok) throw created.error;
  let h = noteSeen(created.value, { userId: "2", name: "Marco" }, 0) ?? created.value;
  h = noteSeen(h, { userId: "3", name: "Luca" }, 0) ?? h;
  const capped = setCap(h, "1", "2", 5000);
  if (!capped.ok) throw capped.error;
  return capped.value;
}

describe("what family members see", () => {
  it("/famiglia shows who pays from which account, and each member's limit and use", () => {
    const totals = new Map<string, MonthTotal>([
      [
        "2",
        {
          month: "2025-01",
          committedCents: c(1250),
          reservedCents: c(500),
          capCents: c(5000),
          remainingCents: c(3250),
        },
      ],
    ]);
    expect(householdSummary(family(), totals, "it")).toBe(
      [
        "Famiglia di questo gruppo",
        "Paga: Anna (conto Anna Rossi · IT60…4567)",
        `• Marco: limite 50,00${NBSP}€ al mese, usati 17,50${NBSP}€`,
        "• Luca: ogni avviso va approvato",
      ].join("\n"),
    );
  });

  it("a new member's card asks the payer, with Approva e paga and Rifiuta", () => {
    const h = family();
    const parts = familyCardParts(
      {
        route: routeFor(h, "3", c(103069), c(0)),
        totalCents: c(103069),
        askedBy: "Luca",
        dueDate: null,
        reminding: false,
        open: true,
      },
      "it",
    );
    expect(parts.lines).toEqual(["Paga dal conto di Anna", "Serve l'approvazione di Anna", "Chiesto da Luca"]);
    expect(parts.buttons.map((b) => b.label)).toEqual([`Approva e paga 1.030,69${NBSP}€`, "Rifiuta", "Ricordamelo"]);
    expect(parts.fields).toEqual([]);
  });

  it("names either payer when there are two, in English too", () => {
    const two = addPayer(family(), "1", "3", { accountId: "l", label: null }, 0);
    if (!two.ok) throw two.error;
    const parts = familyCardParts(
      {
        route: routeFor(two.value, "2", c(9000), c(0)),
        totalCents: c(9000),
        askedBy: "Marco",
        dueDate: null,
        reminding: false,
        open: true,
      },
      "en",
    );
    expect(parts.lines).toEqual(["Paid from Anna's account", "Needs Anna or Luca's approval", "Asked by Marco"]);
    expect(parts.buttons[0]?.label).toBe("Approve and pay €90.00");
  });

  it("a member under their limit pays alone: no approval buttons, what is left after this one", () => {
    const parts = familyCardParts(
      {
        route: routeFor(family(), "2", c(2000), c(1000)),
        totalCents: c(2000),
        askedBy: "Marco",
        dueDate: { date: "2025-01-04", source: "read", phrase: "entro il 04/01/2025" },
        reminding: true,
        open: true,
      },
      "it",
    );
    expect(parts.lines).toEqual(["Paga dal conto di Anna", `Entro il limite del mese: restano 20,00${NBSP}€`]);
    expect(parts.fields).toEqual([{ label: "Scadenza", value: "04/01/2025 (letta dall'avviso)" }]);
    expect(parts.buttons.map((b) => b.label)).toEqual(["Non ricordarmelo"]);
  });

  it("marks a due date a person gave, and drops the buttons once the card is decided", () => {
    const parts = familyCardParts(
      {
        route: routeFor(family(), "3", c(2000), c(0)),
        totalCents: c(2000),
        askedBy: "Luca",
        dueDate: { date: "2025-02-16", source: "given", phrase: "16 febbraio", givenBy: "Anna" },
        reminding: true,
        open: false,
      },
      "it",
    );
    expect(parts.fields).toEqual([{ label: "Scadenza", value: "16/02/2025 (indicata da Anna)" }]);
    expect(parts.buttons).toEqual([]);
  });

  it("/lista puts the soonest due first, and says when there is nothing", () => {
    const text = pendingText(
      [
        { payee: "ACI", totalCents: c(15000), dueDate: null, postedBy: "Luca" },
        { payee: "Comune di Milano", totalCents: c(103069), dueDate: "2025-01-04", postedBy: "Marco" },
      ],
      "it",
    );
    expect(text).toBe(
      [
        "Avvisi da pagare",
        `• Comune di Milano — 1.030,69${NBSP}€, scade il 04/01/2025 (da Marco)`,
        `• ACI — 150,00${NBSP}€ (da Luca)`,
      ].join("\n"),
    );
    expect(pendingText([], "en")).toBe("No notices to pay in this group.");
  });

  it("/storico names who asked and who approved, with the IUR", () => {
    const text = historyText(
      [
        {
          day: "2025-01-04",
          payee: "Comune di Milano",
          totalCents: c(103069),
          status: "pagato",
          askedBy: "Marco",
          approvedBy: "Anna",
          iur: "IUR123",
        },
        {
          day: "2025-01-03",
          payee: "ACI",
          totalCents: null,
          status: "rifiutato",
          askedBy: "Luca",
          approvedBy: null,
          iur: null,
        },
      ],
      "it",
    );
    expect(text).toBe(
      [
        "Ultimi pagamenti",
        `• 04/01/2025 — Comune di Milano — 1.030,69${NBSP}€ — pagato`,
        "  chiesto da Marco, approvato da Anna",
        "  IUR IUR123",
        "• 03/01/2025 — ACI — — — rifiutato",
        "  chiesto da Luca",
      ].join("\n"),
    );
  });
});
