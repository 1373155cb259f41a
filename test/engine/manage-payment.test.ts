import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, people, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

const paid = testNotice("paid");

describe("acting on a card", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const openCard = async (qr = paid.qrText) => {
    await h.send(qr);
    await h.see(/Avviso pagoPA/);
    const form = h.sandbox.admin.forms().at(-1);
    if (form === undefined) throw new Error("no form");
    return form;
  };

  it("Annulla deletes the form and shows the cancelled card, once", async () => {
    const form = await openCard();
    const ack = await h.press(/^Annulla$/);
    expect(ack.toast).toBe("Annullo…");
    await h.see(/Pagamento a Comune di Borgo Sereno annullato\./);
    await h.settle();
    const card = h.port.lastCard(h.chatId);
    expect(card?.view.lines?.[0]).toBe("Annullato");
    expect(card?.view.tone).toBe("muted");
    expect(card?.view.buttons).toEqual([]);
    expect(h.sandbox.admin.form(form.id)?.status).toMatch(/DELETED|CANCELLED/);
    expect(h.texts().filter((t) => /annullato\.$/.test(t))).toHaveLength(1);
    expect(h.sandbox.admin.calls().byForm[form.id]?.delete).toBe(1);
  });

  it("asks again, with the new total and no disposition, when the amount changed before Paga", async () => {
    const form = await openCard();
    const oldPay = h.port.button(h.chatId, /^Paga /);
    h.sandbox.admin.updateForm(form.id, { feeCents: 250 });
    const ack = await h.press(/^Paga /);
    expect(ack.toast).toBe("In corso…");
    const notice = await h.see(/L'importo è cambiato: ora il totale è 123,00\u00a0€/);
    expect(notice).toContain("premi di nuovo Paga");
    const card = h.port.lastCard(h.chatId);
    expect(card?.view.fields.find((f) => f.label === "Commissione")?.value).toBe("2,50\u00a0€");
    expect(h.port.button(h.chatId, /^Paga /).label).toBe("Paga 123,00\u00a0€");
    expect(h.sandbox.admin.calls().byForm[form.id]?.disposition).toBeUndefined();
    // The old button belongs to the old figures: refused.
    const stale = await h.app.engine.handle({
      type: "button",
      chat: { platform: "playground", chatId: h.chatId, kind: "private" },
      from: people.maria,
      ref: oldPay.ref,
      messageId: oldPay.messageId,
    });
    expect(stale.toast).toMatch(/riepilogo è cambiato/);
    await h.press(/^Paga 123,00/);
    await h.see(/Pagato 123,00\u00a0€/);
    expect(h.sandbox.admin.calls().byForm[form.id]?.disposition).toBe(1);
  });

  it("FAILED shows the card with Riprova and a message; Riprova opens a new card that can be paid", async () => {
    h.sandbox.admin.setSecondFactor(true);
    const form = await openCard();
    await h.press(/^Paga /);
    await h.see(/approva il pagamento/);
    h.sandbox.admin.refuseDisposition(form.id);
    const failed = await h.see(/non è riuscito/);
    expect(failed).toContain("Comune di Borgo Sereno");
    const card = h.port.lastCard(h.chatId);
    expect(card?.view.lines?.[0]).toBe("Pagamento non riuscito ❌");
    expect(card?.view.tone).toBe("failure");
    h.sandbox.admin.setSecondFactor(false);
    await h.press(/^Riprova$/);
    await h.see(/Controlla i dati e premi Paga\./);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato 121,50/);
    expect(h.sandbox.admin.forms().map((f) => f.status)).toEqual(["FAILED", "PAID"]);
  });

  it("Prenota reserves the amount (BOOKED), then Paga pays it", async () => {
    const form = await openCard();
    expect((await h.press(/^Prenota$/)).toast).toBe("Prenoto l'importo…");
    await h.see(/Importo prenotato sul conto/);
    expect(h.sandbox.admin.form(form.id)?.status).toBe("BOOKED");
    expect(h.sandbox.admin.accounts()[0]?.reservedCents).toBe(12150);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    expect(h.sandbox.admin.form(form.id)?.status).toBe("PAID");
  });

  it("Programma asks for a day, puts it on the Paga button, and the payment runs on that day", async () => {
    const form = await openCard();
    await h.press(/^Programma$/);
    await h.see(/In che giorno vuoi pagare\?/);
    await h.send("ieri");
    await h.see(/Non riconosco la data/);
    await h.send("31/12/2020");
    await h.see(/La data deve essere da domani in poi\./);
    const inTenDays = new Date(h.clock.now() + 10 * 86_400_000);
    const typed = `${inTenDays.getUTCDate()}/${inTenDays.getUTCMonth() + 1}/${inTenDays.getUTCFullYear()}`;
    await h.send(typed);
    await h.see(/Data scelta: /);
    const pay = h.port.button(h.chatId, /^Paga /);
    expect(pay.label).toMatch(/^Paga 121,50\u00a0€ il \d\d\/\d\d\/\d{4}$/);
    await h.press(/^Paga /);
    await h.see(/Pagamento di 121,50\u00a0€ programmato per il/);
    expect(h.sandbox.admin.form(form.id)?.status).toBe("SCHEDULED");
    expect(h.port.button(h.chatId, /^Annulla$/)).toBeDefined();
    h.sandbox.admin.advanceClock(11 * 86_400_000);
    await h.see(/✅ Pagato 121,50/);
  });

  it("a scheduled payment can still be cancelled before its day", async () => {
    const form = await openCard();
    await h.press(/^Programma$/);
    await h.see(/In che giorno vuoi pagare\?/);
    const later = new Date(h.clock.now() + 20 * 86_400_000);
    await h.send(`${later.getUTCDate()}/${later.getUTCMonth() + 1}/${later.getUTCFullYear()}`);
    await h.see(/Data scelta: /);
    await h.press(/^Paga /);
    await h.see(/programmato per il/);
    expect(h.sandbox.admin.accounts()[0]?.reservedCents).toBe(12150);
    await h.press(/^Annulla$/);
    await h.see(/Pagamento a Comune di Borgo Sereno annullato\./);
    expect(h.sandbox.admin.form(form.id)?.status).toBe("CANCELLED");
    expect(h.sandbox.admin.accounts()[0]?.reservedCents).toBe(0);
    expect(h.port.lastCard(h.chatId)?.view.buttons).toEqual([]);
  });

  it("drops the day question when the person sends another notice instead", async () => {
    await openCard();
    await h.press(/^Programma$/);
    await h.see(/In che giorno vuoi pagare\?/);
    await h.send(testNotice("promised").qrText);
    await h.port.waitFor(() => h.texts().filter((t) => t.startsWith("Avviso pagoPA")).length === 2);
    expect(h.texts().some((t) => /Non riconosco la data/.test(t))).toBe(false);
  });

  it("refuses a press by someone else: only the person who pays decides", async () => {
    const form = await openCard();
    const ack = await h.press(/^Paga /, people.luca);
    expect(ack).toEqual({ toast: "Solo Maria può decidere su questo pagamento.", alert: true });
    const cancel = await h.press(/^Annulla$/, people.luca);
    expect(cancel.alert).toBe(true);
    await h.settle();
    expect(h.sandbox.admin.form(form.id)?.status).toBe("DRAFT");
    expect(h.port.button(h.chatId, /^Paga /)).toBeDefined();
  });

  it("announces PROMISED, then PAID, each once and in that order", async () => {
    await openCard(testNotice("promised").qrText);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.settle();
    const announcements = h.texts().filter((t) => /accettato|✅ Pagato/.test(t) && !t.startsWith("Avviso"));
    expect(announcements).toHaveLength(2);
    expect(announcements[0]).toMatch(/^Pagamento di 5\d,\d\d\u00a0€ a ASL Sandbox 3 accettato/);
    expect(announcements[1]).toMatch(/^✅ Pagato/);
  });
});
