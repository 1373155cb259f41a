import { describe, expect, it } from "vitest";
import { percentile, tallyPaid } from "../../bench/webhooks/tally.ts";

const paid = (chatId: number) => ({ chatId, text: "✅ Pagato 12,34 € a Comune di Roma.\nIUR X · 01/01/2026" });

describe("bench:webhooks tally of PAID messages", () => {
  const chats = new Map([
    ["301000000000000017", 1],
    ["301000000000000025", 2],
    ["301000000000000033", 3],
  ]);

  it("counts a form whose chat got no PAID message as lost, and copies beyond the first as doubled", () => {
    const tally = tallyPaid(chats, [paid(1), paid(3), paid(3), paid(3)]);
    expect(tally).toEqual({ lost: 1, doubled: 2, lostExamples: ["301000000000000025"] });
  });

  it("does not count the card, its edits' wording or other chats' messages as a PAID message", () => {
    const tally = tallyPaid(chats, [
      { chatId: 1, text: "Avviso pagoPA\nStato: Pagato ✅" },
      { chatId: 2, text: "⏳ In corso" },
      paid(99),
      paid(3),
    ]);
    expect(tally.lost).toBe(2);
    expect(tally.doubled).toBe(0);
  });

  it("takes the nearest-rank percentile of sorted figures", () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(51);
    expect(percentile(sorted, 99)).toBe(100);
    expect(percentile([], 50)).toBeNaN();
  });
});
