import { describe, expect, it } from "vitest";
import { renderCard } from "../../src/engine/card.ts";
import type { PaymentForm } from "../../src/engine/gateway-port.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import type { Cents } from "../../src/notice/money.ts";
import { viewText } from "../helpers/recording-chat-port.ts";

const cents = (n: number) => n as Cents;

const form: PaymentForm = {
  id: "PPA8K195PZ1Q",
  status: "DRAFT",
  noticeNumber: "302016723749670000",
  fiscalCode: "80016350821",
  payeeName: "Comune di Firenze",
  description: "Multa verbale CV987A1 - targa XX123ZZ",
  amountCents: cents(103_069),
  feeCents: cents(130),
  agioCents: cents(70),
  dueDate: "2026-03-31",
  scheduledDate: null,
  settlementDate: null,
  lastModified: "2026-03-02T09:00:00Z",
  iur: null,
  failureReason: null,
  account: { ownerName: "Maria Rossi", iban: "IT63B3606400003351234567", balanceCents: cents(2_485_095) },
  canBook: true,
  canSchedule: true,
};

const payment: PaymentRecord = {
  id: "p1",
  chat: { platform: "playground", chatId: "c1", kind: "private" },
  ownerId: "u1",
  ownerName: "Maria",
  locale: "it",
  payer: { kind: "linked", personKey: "playground:u1" },
  notice: {
    noticeNumber: "302016723749670000",
    fiscalCode: "80016350821",
    rptId: "80016350821302016723749670000",
    qrText: "PAGOPA|002|302016723749670000|80016350821|100000",
    amountCents: cents(100_000),
  },
  phase: "open",
  status: "DRAFT",
  formId: form.id,
  form,
  shown: null,
  cardSlot: "card:p1",
  cardVersion: 1,
  note: null,
  booked: false,
  scheduledDate: null,
  confirmedBy: null,
  confirmedAt: null,
  executedAt: null,
  executePosts: 0,
  executeAnswered: false,
  announced: [],
  closedReason: null,
  createdAt: 0,
  updatedAt: 0,
};

const buttons = (pay: string, cancel: string, book: string, schedule: string) => [
  [
    { label: pay, ref: "r1", style: "primary" as const },
    { label: cancel, ref: "r2", style: "danger" as const },
  ],
  [
    { label: book, ref: "r3" },
    { label: schedule, ref: "r4" },
  ],
];

describe("the payment card", () => {
  it("renders in Italian with every figure, the QR amount beside the PSP's, and the account", () => {
    const view = renderCard(payment, "it", buttons("Paga 1.032,69 €", "Annulla", "Prenota", "Programma"));
    expect(viewText(view)).toBe(
      [
        "Avviso pagoPA",
        "Controlla i dati e premi Paga.",
        "L'importo attuale è diverso da quello stampato sull'avviso.",
        "Ente: Comune di Firenze",
        "Causale: Multa verbale CV987A1 - targa XX123ZZ",
        "Codice avviso: 3020 1672 3749 6700 00",
        "Scadenza: 31/03/2026",
        "Importo: 1.030,69\u00a0€ (1.000,00\u00a0€ sull'avviso)",
        "Commissione: 1,30\u00a0€",
        "Agio: 0,70\u00a0€",
        "Totale: 1.032,69\u00a0€",
        "Conto: Maria Rossi · IT63…4567",
        "Saldo disponibile: 24.850,95\u00a0€",
        "[Paga 1.032,69 €]",
        "[Annulla]",
        "[Prenota]",
        "[Programma]",
      ].join("\n"),
    );
    expect(view.type === "card" && view.tone).toBe("neutral");
  });

  it("renders the same card in English", () => {
    const view = renderCard(payment, "en", buttons("Pay €1,032.69", "Cancel", "Reserve", "Schedule"));
    expect(viewText(view)).toBe(
      [
        "pagoPA notice",
        "Check the details and press Pay.",
        "The current amount differs from the one printed on the notice.",
        "Payee: Comune di Firenze",
        "Description: Multa verbale CV987A1 - targa XX123ZZ",
        "Notice number: 3020 1672 3749 6700 00",
        "Due date: 31/03/2026",
        "Amount: €1,030.69 (€1,000.00 on the notice)",
        "Fee: €1.30",
        "Agio: €0.70",
        "Total: €1,032.69",
        "Account: Maria Rossi · IT63…4567",
        "Available balance: €24,850.95",
        "[Pay €1,032.69]",
        "[Cancel]",
        "[Reserve]",
        "[Schedule]",
      ].join("\n"),
    );
  });

  it("warns when the balance does not cover the total, and marks a demo account", () => {
    const poor: PaymentRecord = {
      ...payment,
      payer: { kind: "demo", personKey: "playground:u1" },
      form: { ...form, account: { ...form.account, balanceCents: cents(500) } },
    };
    const view = renderCard(poor, "it", []);
    const text = viewText(view);
    expect(text).toContain("⚠️ Il saldo disponibile non basta per questo pagamento.");
    expect(text).toContain("Conto: Conto demo · IT63…4567");
    expect(text).toContain("Conto demo della sandbox: nessun movimento di denaro reale.");
  });

  it("shows a paid card with the IUR and no buttons, in the success tone", () => {
    const paidCard: PaymentRecord = {
      ...payment,
      phase: "closed",
      status: "PAID",
      form: { ...form, status: "PAID", iur: "z77MlnNNpoRRy", lastModified: "2026-03-02T09:05:00Z" },
    };
    const view = renderCard(paidCard, "it", []);
    expect(view.type === "card" && view.tone).toBe("success");
    const text = viewText(view);
    expect(text).toContain("Pagato ✅");
    expect(text).toContain("IUR: z77MlnNNpoRRy");
    expect(text).toContain("Pagato il: 02/03/2026, 10:05");
    expect(text).not.toContain("Saldo disponibile");
  });
});
