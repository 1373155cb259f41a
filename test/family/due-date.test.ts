import { describe, expect, it } from "vitest";
import { findDueDate, findDueDates } from "../../src/family/due-date.ts";

const TODAY = "2024-12-10";

describe("due dates read from a notice's text", () => {
  it.each([
    ["entro il 04/01/2025", "2025-01-04"],
    ["Da pagare entro il 04/01/2025", "2025-01-04"],
    ["scadenza 04/01/2025", "2025-01-04"],
    ["SCADENZA: 04.01.25", "2025-01-04"],
    ["Scadenza: 04.01.25", "2025-01-04"],
    ["Data di scadenza 2025-01-04", "2025-01-04"],
    ["da pagare entro il 4 gennaio 2025", "2025-01-04"],
    ["Da pagare ENTRO IL 4 GENNAIO 2025", "2025-01-04"],
    ["entro e non oltre il 4/1/2025", "2025-01-04"],
    ["Scade il 4 gen. 2025", "2025-01-04"],
    ["Scadenza 1° marzo 2025", "2025-03-01"],
    ["pagabile entro il 16-05-2025", "2025-05-16"],
    ["Termine di pagamento: 30/06/2025", "2025-06-30"],
    ["entro il 04 / 01 / 2025", "2025-01-04"],
    ["Due by 4 January 2025", "2025-01-04"],
    ["Payment due: January 4, 2025", "2025-01-04"],
    ["Due date 04/01/2025", "2025-01-04"],
    ["Pay by 4th Jan 2025", "2025-01-04"],
    ["Deadline: 31 December 2025", "2025-12-31"],
    ["DATA SCADENZA        IMPORTO\n16/05/2025        1.030,69 €", "2025-05-16"],
    ["Scadenza\n31/07/2025", "2025-07-31"],
    ["entro il 29/02/2028", "2028-02-29"],
    ["ENTRO IL 16 SETTEMBRE 2025", "2025-09-16"],
    ["1.030,69 € entro il 04/01/2025", "2025-01-04"],
    ["Entro il / Bis zum 04/01/2025", "2025-01-04"],
    ["Zahlbar bis 04.01.2025", "2025-01-04"],
    ["entro il 16 sett 2025", "2025-09-16"],
  ])("%j → %s", (text, date) => {
    expect(findDueDate(text, "read", TODAY)).toEqual({ date, source: "read", phrase: expect.any(String) });
  });

  it.each([
    ["ENTRO IL O4/01/2025", "2025-01-04"],
    ["entro il 04/0l/2025", "2025-01-04"],
    ["entro il 04/01/2O25", "2025-01-04"],
    ["Entro il |6/05/2025", "2025-05-16"],
    ["entro il 04 /01/ 2025.", "2025-01-04"],
    ["Entro il\n04/01/2025", "2025-01-04"],
    ["SCADENZA:04-01-2025;", "2025-01-04"],
    ["da pagare entro iI 4 gennaio 2025", "2025-01-04"],
  ])("reads OCR text %j → %s", (text, date) => {
    expect(findDueDate(text, "read", TODAY)?.date).toBe(date);
  });

  it("mends OCR letters only inside numbers, not in words", () => {
    expect(findDueDate("Scadenza il 04/01/2025 - Codice IO1", "read")?.date).toBe("2025-01-04");
    expect(findDueDate("lo scadenza oltre", "read")).toBeNull();
  });

  it("keeps the words the date was found in, as printed", () => {
    expect(findDueDate("Da pagare ENTRO IL 4 GENNAIO 2025, grazie", "read")?.phrase).toBe("ENTRO IL 4 GENNAIO 2025");
  });

  it("reads a date from a whole notice and takes nothing else on it for a due date", () => {
    const notice = [
      "AVVISO DI PAGAMENTO",
      "Comune di Milano - Servizio Refezione Scolastica",
      "Roma, 12/11/2024",
      "DESTINATARIO AVVISO Codice Fiscale RSSMRA80A01H501U",
      "ENTE CREDITORE Codice Fiscale 01199250158",
      "Codice Avviso 3012 3456 7890 1234 56   Cod. CBILL AAA01",
      "Importo 1.030,69 euro",
      "Puoi pagare entro 30 giorni dalla notifica del 12/11/2024",
      "Data emissione 12.11.24",
      "Numero avviso 301234567890123456",
      "Importo in scadenza 12.50",
      "Rata unica entro il 16/01/2025",
    ].join("\n");
    expect(findDueDates(notice, "read", TODAY).map((d) => d.date)).toEqual(["2025-01-16"]);
  });

  it.each([
    "Codice avviso 301000000012345678 importo 1.030,69",
    "Codice fiscale RSSMRA80A01H501U",
    "Emesso il 04/01/2025",
    "Roma, 4 gennaio 2025",
    "entro 30 giorni dalla notifica del 04/01/2025",
    "Scadenza 1.030,69",
    "Scadenza rata 12.10",
    "entro il 31/02/2025",
    "entro il 04/13/2025",
    "entro il 04/01/1999",
    "Importo 12.10.25,00",
    "Scadenza 3012 3456 7890 1234 56",
    "entro il 4 gennaio",
    "Bollo auto targa AB123CD - scadenza 03/2026",
    "Scadenza 2025",
    "",
  ])("finds no due date in %j", (text) => {
    expect(findDueDate(text, "read", TODAY)).toBeNull();
  });

  it("takes the earliest of several instalments", () => {
    const text = "1a rata entro il 16/11/2025\n2a rata entro il 16/05/2025\nUnica soluzione entro il 16/05/2025";
    expect(findDueDates(text, "read").map((d) => d.date)).toEqual(["2025-11-16", "2025-05-16", "2025-05-16"]);
    expect(findDueDate(text, "read")?.date).toBe("2025-05-16");
  });
});

describe("due dates a person types", () => {
  it.each([
    ["04/01/2025", "2025-01-04"],
    ["4 gennaio 2025", "2025-01-04"],
    ["4 gennaio", "2025-01-04"],
    ["15 dicembre", "2024-12-15"],
    ["il 4/1/25", "2025-01-04"],
    ["scade il 4 gennaio", "2025-01-04"],
    ["January 4", "2025-01-04"],
    ["due on 4 Jan 2025", "2025-01-04"],
  ])("%j → %s", (text, date) => {
    expect(findDueDate(text, "given", TODAY)).toEqual({ date, source: "given", phrase: expect.any(String) });
  });

  it.each([
    "domani",
    "tra due settimane",
    "il 31 febbraio",
    "04/01/2025 o 05/01/2025",
    "50",
  ])("asks again for %j", (text) => {
    expect(findDueDate(text, "given", TODAY)).toBeNull();
  });
});
