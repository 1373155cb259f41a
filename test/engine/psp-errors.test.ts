import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SandboxFault } from "../../src/droppay/sandbox/index.ts";
import { type Harness, people, startHarness } from "../helpers/harness.ts";
import { noticeNumber, ordinaryPayee, testNotice } from "../helpers/notices.ts";

/** Every error row of droppay-api.md, as the person sees it (Italian), produced by the sandbox. */
describe("DropPay's errors, as the person reads them", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  const fault = (status: number, code: string | null, description = "x"): SandboxFault => ({
    kind: "error",
    status,
    body: code === null ? null : { code, description },
  });
  const ordinary = (n: number) => `${noticeNumber(n)} ${ordinaryPayee}`;

  it("400/100 (missing arguments): the data could not be read; try again or type the codes", async () => {
    h.sandbox.admin.faults.inject("create", fault(400, "100", "Missing arguments"));
    await h.send(ordinary(1));
    await h.see(/Non sono riuscito a far leggere i dati dell'avviso a DropPay\. Riprova, oppure scrivi i codici\./);
  });

  it("404/310 (unknown notice): notice not found, check the codes", async () => {
    await h.send(testNotice("unknown").qrText);
    await h.see(/Avviso non trovato: controlla il codice avviso e il codice fiscale dell'ente\./);
  });

  it("409/310 (already paid): already paid or not payable", async () => {
    await h.send(testNotice("already_paid").qrText);
    await h.see(/Questo avviso risulta già pagato/);
  });

  it("a notice already paid in this chat, sent again: when it was paid and its IUR, in the person's language", async () => {
    const notice = testNotice("paid");
    await h.send(notice.qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    const paid = await h.see(/✅ Pagato/);
    const iur = /IUR (\S+)/.exec(paid)?.[1] ?? "missing";
    await h.settle();
    await h.send(notice.qrText);
    const again = await h.see(/già stato pagato in questa chat/);
    expect(again).toMatch(
      new RegExp(
        `^Questo avviso è già stato pagato in questa chat il \\d\\d/\\d\\d/\\d{4}.* \\(IUR ${iur}\\): non serve pagarlo di nuovo\\.$`,
      ),
    );
    // Paid in another chat: DropPay's refusal (409/310), with nothing of this chat to add.
    await h.send(notice.qrText, people.john, "john");
    await h.see(/^This notice is already paid, or the payee does not accept its payment\.$/, "john");
    // John, in English, pays another notice of the same payee in his chat and sends it again.
    const codes = `${noticeNumber(9_101)} ${notice.fiscalCode}`;
    await h.send(codes, people.john, "john");
    await h.see(/pagoPA notice/, "john");
    await h.press(/^Pay /, people.john, "john");
    const johnPaid = await h.see(/✅ Paid/, "john");
    const johnIur = /IUR (\S+)/.exec(johnPaid)?.[1] ?? "missing";
    await h.settle();
    await h.send(codes, people.john, "john");
    const johnAgain = await h.see(/already paid in this chat/, "john");
    expect(johnAgain).toContain(`(IUR ${johnIur})`);
  });

  it("409/311 (duplicated): already being paid", async () => {
    h.sandbox.admin.faults.inject("create", fault(409, "311", "PagoPA duplicated"));
    await h.send(ordinary(2));
    await h.see(/Questo avviso è già in pagamento con DropPay\./);
  });

  it("409/312 (expired): the notice has expired, contact the payee", async () => {
    await h.send(testNotice("expired").qrText);
    await h.see(/L'avviso è scaduto: contatta l'ente che lo ha emesso\./);
  });

  it("409/313 (amount changed) on create: the card shows the node's amount beside the notice's", async () => {
    const changed = testNotice("amount_changed");
    await h.send(changed.qrText);
    const card = await h.see(/Avviso pagoPA/);
    expect(card).toContain("Importo: 105,40\u00a0€ (100,00\u00a0€ sull'avviso)");
    expect(card).toContain("L'importo attuale è diverso da quello stampato sull'avviso.");
    expect(h.port.button(h.chatId, /^Paga /).label).toMatch(/^Paga 10\d,\d\d\u00a0€$/);
  });

  it("409/313 at commit time: the new amount is shown and asked again", async () => {
    await h.send(ordinary(3));
    await h.see(/Avviso pagoPA/);
    const form = h.sandbox.admin.forms()[0];
    h.sandbox.admin.setNoticeAmount(ordinaryPayee, noticeNumber(3), 99_00);
    if (form === undefined) throw new Error("no form");
    h.sandbox.admin.updateForm(form.id, { noticeAmountCents: 99_00 });
    await h.press(/^Paga /);
    await h.see(/L'importo è cambiato: ora il totale è/);
    expect(h.sandbox.admin.calls().byForm[form.id]?.disposition).toBeUndefined();
  });

  it("409/314 (already presented): the existing form is resumed, not doubled", async () => {
    const paid = testNotice("paid");
    await h.send(paid.qrText, undefined, "chat-a");
    await h.see(/Avviso pagoPA/, "chat-a");
    // The same person, the same notice, another chat: DropPay answers 314 with the form's id.
    await h.send(paid.qrText, undefined, "chat-b");
    await h.see(/Avviso pagoPA/, "chat-b");
    expect(h.sandbox.admin.forms()).toHaveLength(1);
    expect(h.sandbox.admin.calls().byRoute.create).toBe(2);
  });

  it("409/320 (insufficient balance): says so and keeps the card payable", async () => {
    await h.send(ordinary(4));
    await h.see(/Avviso pagoPA/);
    const account = h.sandbox.admin.accounts()[0];
    if (account === undefined) throw new Error("no demo account");
    h.sandbox.admin.credit(account.id, -account.balanceCents);
    await h.press(/^Paga /);
    await h.see(/Saldo insufficiente: ricarica il conto DropPay e riprova\./);
    expect(h.port.button(h.chatId, /^Paga /)).toBeDefined();
  });

  it("500/310 (node unavailable): retried, then 'try again later'", async () => {
    await h.send(testNotice("node_unavailable").qrText);
    await h.see(/Il sistema pagoPA non risponde in questo momento\. Riprova più tardi\./);
    expect(h.sandbox.admin.calls().byRoute.create).toBe(3);
  });

  it("500/311 (node rejected): not payable right now", async () => {
    await h.send(testNotice("node_rejected").qrText);
    await h.see(/pagoPA non accetta questo pagamento in questo momento/);
  });

  it("403/101 (access denied)", async () => {
    h.sandbox.admin.faults.inject("create", fault(403, "101", "Access denied"));
    await h.send(ordinary(5));
    await h.see(/DropPay non permette questa operazione a questo conto\./);
  });

  it("an error with no body: a typed error, no crash, a generic message", async () => {
    h.sandbox.admin.faults.inject("create", fault(400, null));
    await h.send(ordinary(6));
    await h.see(/^DropPay ha risposto con un errore\. Riprova tra qualche minuto\.$/);
    // The bot goes on working.
    await h.send(ordinary(7));
    await h.see(/Avviso pagoPA/);
  });

  it("an error with no body on the disposition: nothing was executed, the card is payable again", async () => {
    await h.send(ordinary(9));
    await h.see(/Avviso pagoPA/);
    h.sandbox.admin.faults.inject("disposition", fault(400, null));
    await h.press(/^Paga /);
    await h.see(/^DropPay ha risposto con un errore\. Riprova tra qualche minuto\.$/);
    await h.settle();
    expect(h.sandbox.admin.forms()[0]?.status).toBe("READY");
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
  });

  it("says DropPay is not answering when even retries get no answer", async () => {
    h.sandbox.admin.faults.inject("create", { kind: "drop" }, { times: 3 });
    await h.send(ordinary(8));
    await h.see(/DropPay non risponde\. Riprova tra qualche minuto\./);
  });
});
