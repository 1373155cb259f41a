import { describe, expect, it } from "vitest";
import { familyCommandWords, familyEn, familyIt, familyMessagesFor } from "../../src/family/i18n.ts";
import { formatCents } from "../../src/notice/money.ts";

/** Every key path of a catalogue, so the two languages can be compared. */
function paths(value: unknown, prefix = ""): string[] {
  if (value === null || typeof value !== "object") return [prefix];
  return Object.entries(value).flatMap(([k, v]) => paths(v, prefix === "" ? k : `${prefix}.${k}`));
}

describe("family messages", () => {
  it("has the same messages in Italian and English", () => {
    expect(paths(familyEn).sort()).toEqual(paths(familyIt).sort());
  });

  it("says what the card needs, in Italian and in English", () => {
    const it = familyMessagesFor("it");
    const en = familyMessagesFor("en");
    const total = formatCents(103069 as never, "it");
    expect(it.card.approvalNeeded(["Anna"])).toBe("Serve l'approvazione di Anna");
    expect(it.card.approvalNeeded(["Anna", "Marco"])).toBe("Serve l'approvazione di Anna o Marco");
    expect(en.card.approvalNeeded(["Anna", "Marco"])).toBe("Needs Anna or Marco's approval");
    expect(it.buttons.approveAndPay(total)).toBe("Approva e paga 1.030,69\u00a0€");
    expect(en.buttons.approveAndPay(formatCents(103069 as never, "en"))).toBe("Approve and pay €1,030.69");
    expect(it.buttons.refuse).toBe("Rifiuta");
    expect(it.toast.alreadyPaying("Marco")).toBe("Marco lo sta già pagando.");
    expect(it.attribution("Marco", "Anna")).toBe("Chiesto da Marco, approvato da Anna.");
    expect(en.attribution("Anna", null)).toBe("Asked and paid by Anna.");
    expect(it.reminder.text("d1", "Comune di Milano", total, "04/01/2025")).toBe(
      "Promemoria: l'avviso di Comune di Milano da 1.030,69\u00a0€ scade domani (04/01/2025).",
    );
    expect(en.reminder.text("d7", "Comune di Milano", "€1,030.69", "04/01/2025")).toContain("due in 7 days");
  });

  it("names each family command in both languages", () => {
    expect(familyCommandWords.map((w) => `${w.word}→${w.command}`)).toEqual([
      "famiglia→family",
      "family→family",
      "limite→limit",
      "limit→limit",
      "lista→pending",
      "pending→pending",
      "storico→history",
      "history→history",
    ]);
  });
});
