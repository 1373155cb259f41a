import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";

const paid = sandboxTestNotices.find((n) => n.behaviour === "paid");
if (paid === undefined) throw new Error("the sandbox lost its paid test notice");

describe("paying a notice from typed codes", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("shows the card with payee, notice number, amount, fee, total and Paga/Annulla, then PAID with the IUR", async () => {
    await h.send(`Codice avviso ${paid.noticeNumber} ente ${paid.fiscalCode}`);
    const card = await h.see(/Avviso pagoPA/);
    expect(card).toContain(`Ente: ${paid.payeeName}`);
    expect(card).toContain("Codice avviso: 3012 0260 0000 0001 03");
    expect(card).toContain("Importo: 120,50\u00a0€");
    expect(card).toMatch(/Commissione: \d+,\d\d\u00a0€/);
    expect(card).toMatch(/Totale: 1\d\d,\d\d\u00a0€/);
    expect(card).toContain("Conto demo");
    expect(card).toContain("nessun movimento di denaro reale");
    const payButton = h.port.button(h.chatId, /^Paga /);
    expect(payButton.label).toMatch(/^Paga 1\d\d,\d\d\u00a0€$/);
    h.port.button(h.chatId, /^Annulla$/);

    const ack = await h.press(/^Paga /);
    expect(ack.toast).toBe("In corso…");
    const message = await h.see(/Pagato .* a Comune di Borgo Sereno/);
    expect(message).toMatch(/IUR \S+/);
    const final = h.port.lastCard(h.chatId);
    expect(final?.view.lines?.[0]).toBe("Pagato ✅");
    expect(final?.view.buttons).toEqual([]);
    expect(final?.view.fields.find((f) => f.label === "IUR")?.value).toMatch(/\S+/);
    // The announcement goes in the card's thread (a reply to the card), resolved by the outbox when it sends.
    const announced = h.port.deliveries.find((d) => d.view.type === "text" && /Pagato .* a Comune/.test(d.view.text));
    expect(announced?.options.thread).toBe(final?.messageId);
    await h.settle();
    // Exactly one disposition reached DropPay.
    const form = h.sandbox.admin.forms()[0];
    expect(form?.status).toBe("PAID");
    expect(h.sandbox.admin.calls().byForm[form?.id ?? ""]?.disposition).toBe(1);
  });
});
