import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, people, startHarness } from "../helpers/harness.ts";
import { noticeNumber, ordinaryPayee, testNotice } from "../helpers/notices.ts";

describe("a notice coming in as text", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("reads a pasted QR text and sends its amount to DropPay as codice_avviso_2d", async () => {
    const paid = testNotice("paid");
    await h.send(paid.qrText);
    const card = await h.see(/Avviso pagoPA/);
    expect(card).toContain("Importo: 120,50\u00a0€");
    expect(h.sandbox.admin.forms()[0]?.qrText).toBe(paid.qrText);
  });

  it("asks for the payee's fiscal code after a lone notice number, then shows the card", async () => {
    const number = noticeNumber(41);
    await h.send(number.replace(/(\d{4})/g, "$1 "));
    await h.see(/Ora scrivi il codice fiscale dell'ente/);
    await h.send(ordinaryPayee);
    const card = await h.see(/Avviso pagoPA/);
    expect(card).toContain(`Codice avviso: ${number.replace(/(\d{4})(?=\d)/g, "$1 ")}`);
    expect(h.sandbox.admin.forms()[0]?.qrText).toBeNull();
  });

  it("asks for the notice number after a lone fiscal code", async () => {
    await h.send(ordinaryPayee);
    await h.see(/Ora scrivi il codice avviso/);
    await h.send(noticeNumber(42));
    await h.see(/Avviso pagoPA/);
  });

  it("says what is wrong with a notice number of the wrong length", async () => {
    await h.send("avviso 3012 0260 0000 0001 0 ente 80016350821");
    await h.see(/Non trovo un codice avviso \(18 cifre\)/);
  });

  it("answers small talk with how to use it", async () => {
    await h.send("ciao, come funziona?");
    await h.see(/Non ho capito\. Mandami la foto/);
  });

  it("shows 'Preparo il pagamento…' at once and replaces it with the card (no extra message)", async () => {
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    await h.settle();
    expect(h.texts()).toHaveLength(1);
    const versions = [...h.port.messages.values()][0]?.versions ?? [];
    expect(versions[0]).toEqual({ type: "text", text: "Preparo il pagamento…" });
  });

  it("resumes the open card when the same notice is sent again, without a second form", async () => {
    const paid = testNotice("paid");
    await h.send(paid.qrText);
    await h.see(/Avviso pagoPA/);
    await h.send(`${paid.noticeNumber} ${paid.fiscalCode}`);
    await h.see(/già aperto in questa chat/);
    await h.settle();
    expect(h.sandbox.admin.forms()).toHaveLength(1);
    expect(h.texts().filter((t) => t.startsWith("Avviso pagoPA"))).toHaveLength(2);
    // The resumed card works: paying it pays the one form.
    await h.press(/^Paga /);
    await h.see(/IUR/);
  });

  it("gives two family members posting the same notice at once one form and one card to resume", async () => {
    const paid = testNotice("paid");
    await Promise.all([h.send(paid.qrText, people.maria, "family"), h.send(paid.qrText, people.luca, "family")]);
    await h.see(/Avviso pagoPA/, "family");
    await h.settle();
    expect(h.sandbox.admin.forms()).toHaveLength(1);
    expect(h.texts("family").some((t) => /già aperto/.test(t))).toBe(true);
  });

  it("ignores a redelivered event (same platform and event id)", async () => {
    const event = {
      type: "text" as const,
      chat: { platform: "playground" as const, chatId: h.chatId, kind: "private" as const },
      from: people.maria,
      text: testNotice("paid").qrText,
      eventId: "update-77",
    };
    await Promise.all([h.app.engine.handle(event), h.app.engine.handle(event), h.app.engine.handle(event)]);
    await h.see(/Avviso pagoPA/);
    await h.settle();
    expect(h.texts()).toHaveLength(1);
    expect(h.sandbox.admin.calls().byRoute.create).toBe(1);
  });

  it("speaks English to an English-speaking person, with money and dates their way", async () => {
    await h.send(testNotice("paid").qrText, people.john);
    const card = await h.see(/pagoPA notice/);
    expect(card).toContain("Amount: €120.50");
    expect(card).toContain("Payee: Comune di Borgo Sereno");
    expect(h.port.button(h.chatId, /^Pay €/).label).toMatch(/^Pay €1\d\d\.\d\d$/);
    h.port.button(h.chatId, /^Cancel$/);
  });
});
