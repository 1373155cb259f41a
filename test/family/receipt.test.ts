import { describe, expect, it } from "vitest";
import type { PaymentForm } from "../../src/engine/gateway-port.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { type ReceiptData, receiptFileName, receiptOf, renderReceipt } from "../../src/family/receipt.ts";
import { type Cents, formatCents } from "../../src/notice/money.ts";

const c = (n: number) => n as Cents;

/** The receipt's text as a PDF reader extracts it (pdf.js, as the scanner loads it under Node), line by line. */
async function readBack(bytes: Uint8Array): Promise<{ text: string; pages: number; title: unknown }> {
  const pdfjs = await import("pdfjs-dist/legacy/build/pdf.mjs");
  const doc = await pdfjs.getDocument({
    data: Uint8Array.from(bytes),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  try {
    const lines = new Map<number, { x: number; s: string }[]>();
    for (let n = 1; n <= doc.numPages; n++) {
      const content = await (await doc.getPage(n)).getTextContent();
      for (const item of content.items) {
        if (!("str" in item) || item.str.trim() === "") continue;
        const y = Math.round((item.transform[5] as number) + (doc.numPages - n) * 10_000);
        lines.set(y, [...(lines.get(y) ?? []), { x: item.transform[4] as number, s: item.str }]);
      }
    }
    const text = [...lines.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([, parts]) =>
        parts
          .sort((a, b) => a.x - b.x)
          .map((p) => p.s)
          .join(" | "),
      )
      .join("\n");
    const meta = await doc.getMetadata();
    return { text, pages: doc.numPages, title: (meta.info as { Title?: unknown }).Title };
  } finally {
    await doc.destroy();
  }
}

const receipt: ReceiptData = {
  payeeName: "Comune di Milano",
  payeeFiscalCode: "01199250158",
  description: "TARI 2025 — prima rata, utenza domestica via Roma 1",
  noticeNumber: "301000000012345678",
  amountCents: c(102969),
  feeCents: c(100),
  agioCents: c(0),
  totalCents: c(103069),
  iur: "IUR2025010412345A",
  paidAt: Date.parse("2025-01-04T13:05:09Z"),
  account: "Anna Rossi · IT60…4567",
  askedBy: "Marco",
  approvedBy: "Anna",
};

describe("payment receipts", () => {
  it("prints, in Italian, the IUR, the total as a person reads it and who asked and approved", async () => {
    const { text, pages, title } = await readBack(await renderReceipt(receipt, "it"));
    expect(pages).toBe(1);
    expect(title).toBe("Ricevuta di pagamento pagoPA IUR2025010412345A");
    expect(formatCents(c(103069), "it")).toBe("1.030,69\u00a0€");
    const line = (label: string) => text.split("\n").find((l) => l.startsWith(label)) ?? "";
    // Intl puts a no-break space before "€"; WinAnsi draws it with the space glyph, so a reader copies a space.
    const asRead = (cents: number) => formatCents(c(cents), "it").replace("\u00a0", " ");
    expect(line("Totale pagato")).toBe("Totale pagato | 1.030,69 €");
    expect(line("Totale pagato")).toBe(`Totale pagato | ${asRead(103069)}`);
    expect(line("IUR")).toBe("IUR (identificativo univoco riscossione) | IUR2025010412345A");
    expect(line("Chiesto da")).toBe("Chiesto da | Marco");
    expect(line("Approvato da")).toBe("Approvato da | Anna");
    expect(line("Importo")).toBe(`Importo | ${asRead(102969)}`);
    expect(line("Commissione")).toBe("Commissione | 1,00 €");
    expect(line("Codice avviso")).toBe("Codice avviso | 3010 0000 0012 3456 78");
    // 13:05 UTC on 4 January is 14:05 in Rome (winter time).
    expect(line("Data e ora")).toBe("Data e ora del pagamento | 4 gennaio 2025 alle ore 14:05:09 (ora italiana)");
    expect(line("Pagato dal conto")).toBe("Pagato dal conto | Anna Rossi · IT60…4567");
    expect(text).toContain("TARI 2025 — prima rata, utenza domestica via Roma 1");
    expect(text).toContain("Comune di Milano");
  });

  it("prints in English, and says when nobody had to approve", async () => {
    const { text } = await readBack(await renderReceipt({ ...receipt, approvedBy: null }, "en"));
    const line = (label: string) => text.split("\n").find((l) => l.startsWith(label)) ?? "";
    expect(line("Total paid")).toBe("Total paid | €1,030.69");
    expect(line("IUR")).toBe("IUR (unique collection identifier) | IUR2025010412345A");
    expect(line("Approved by")).toBe("Approved by | no approval needed");
    expect(line("Date and time")).toBe("Date and time of payment | 4 January 2025 at 14:05:09 (Italian time)");
  });

  it("draws names the standard font lacks without breaking, and wraps a long description", async () => {
    const long = "Servizio di refezione scolastica ".repeat(8).trim();
    const bytes = await renderReceipt({ ...receipt, askedBy: "Łukasz 🙂", description: long }, "it");
    const { text } = await readBack(bytes);
    expect(text).toContain("Chiesto da | Lukasz ?");
    expect(text.replace(/\s+/g, " ")).toContain(long);
  });

  it("is made from a PAID payment only, with its form's figures and the people", () => {
    const form = {
      id: "PPA1",
      status: "PAID",
      noticeNumber: "301000000012345678",
      fiscalCode: "01199250158",
      payeeName: "Comune di Milano",
      description: "TARI",
      amountCents: c(102969),
      feeCents: c(100),
      agioCents: c(0),
      dueDate: null,
      scheduledDate: null,
      settlementDate: "2025-01-04",
      lastModified: "2025-01-04T14:05:09+01:00",
      iur: "IUR1",
      failureReason: null,
      account: { ownerName: "Anna Rossi", iban: "IT60X0542811101000000123456", balanceCents: null },
      canBook: false,
      canSchedule: false,
    } satisfies PaymentForm;
    const payment = { form, notice: { noticeNumber: "301000000012345678" }, updatedAt: 0 } as unknown as PaymentRecord;
    const data = receiptOf(payment, { askedBy: "Marco", approvedBy: "Anna" });
    expect(data).toMatchObject({
      totalCents: 103069,
      iur: "IUR1",
      paidAt: Date.parse("2025-01-04T13:05:09Z"),
      account: "Anna Rossi · IT60…3456",
      approvedBy: "Anna",
    });
    expect(data && receiptFileName(data, "it")).toBe("ricevuta-pagopa-IUR1.pdf");
    const running = { ...payment, form: { ...form, status: "RUNNING", iur: null } } as unknown as PaymentRecord;
    expect(receiptOf(running, { askedBy: "Marco", approvedBy: null })).toBeNull();
  });
});
