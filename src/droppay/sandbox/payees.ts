import { createHash } from "node:crypto";
import type { NoticePayer } from "../form.ts";

/** What the sandbox's pagoPA node says about a notice besides its amount. */
export interface PayeeDetails {
  readonly payeeName: string;
  readonly causale: string;
  readonly causaleType: "GENERIC" | "PRABOLLOAUTO";
  readonly causaleData: Readonly<Record<string, unknown>> | null;
}

/** A stable number from a text: the same notice always gets the same details and amount. */
export function stableHash(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32BE(0);
}

const plate = (h: number): string => {
  const letters = "ABCDEFGHJKLMNPRSTVWXYZ";
  const l = (i: number) => letters[(h >>> (i * 5)) % letters.length];
  return `${l(0)}${l(1)}${String(h % 1000).padStart(3, "0")}${l(2)}${l(3)}`;
};

const municipalities = ["Firenze", "Milano", "Bologna", "Torino", "Bari", "Padova", "Verona", "Lecce"];
const regions = ["Lombardia", "Toscana", "Emilia-Romagna", "Piemonte", "Puglia", "Veneto"];

/** A small catalogue of real-looking Italian payees and what their notices are for. */
const catalogue: readonly ((h: number) => PayeeDetails)[] = [
  (h) => ({
    payeeName: `Comune di ${municipalities[h % municipalities.length]}`,
    causale: `Multa verbale n. 2026/V/${String(h % 100000).padStart(5, "0")} - targa ${plate(h)}`,
    causaleType: "GENERIC",
    causaleData: null,
  }),
  (h) => ({
    payeeName: `Comune di ${municipalities[(h >>> 3) % municipalities.length]}`,
    causale: `TARI 2026 - rata ${1 + (h % 3)} di 3`,
    causaleType: "GENERIC",
    causaleData: null,
  }),
  (h) => {
    const region = regions[h % regions.length] ?? "Lombardia";
    const targa = plate(h);
    return {
      payeeName: `ACI - Tassa automobilistica Regione ${region}`,
      causale: `Bollo auto targa ${targa} - scadenza 03/2026`,
      causaleType: "PRABOLLOAUTO",
      causaleData: { targa, regione: region, mesi_validita: 12 },
    };
  },
  (h) => ({
    payeeName: `ASL ${["Roma 1", "Napoli 2 Nord", "Bari", "Città di Torino"][h % 4]}`,
    causale: `Ticket prestazione specialistica - impegnativa n. ${1_200_000_000 + (h % 99_999_999)}`,
    causaleType: "GENERIC",
    causaleData: null,
  }),
  (h) => ({
    payeeName: `Istituto Comprensivo "${["Dante Alighieri", "Gianni Rodari", "Maria Montessori"][h % 3]}"`,
    causale: ["Contributo volontario a.s. 2025/26", "Uscita didattica classe 3B", "Refezione scolastica marzo 2026"][
      (h >>> 2) % 3
    ] as string,
    causaleType: "GENERIC",
    causaleData: null,
  }),
  (h) => ({
    payeeName: `Università degli Studi di ${["Padova", "Bologna", "Pisa"][h % 3]}`,
    causale: `Tasse universitarie - ${1 + (h % 3)}ª rata a.a. 2025/26`,
    causaleType: "GENERIC",
    causaleData: null,
  }),
];

/** The catalogue entry for a payee fiscal code (a given payee is always the same entity), with details for one notice. */
export function payeeDetails(fiscalCode: string, noticeNumber: string): PayeeDetails {
  const entry = catalogue[stableHash(fiscalCode) % catalogue.length] ?? catalogue[0];
  // biome-ignore lint/style/noNonNullAssertion: the catalogue is a non-empty constant
  return entry!(stableHash(`${fiscalCode}${noticeNumber}`));
}

const payers = ["Giulia Bianchi", "Marco Rossi", "Francesca Esposito", "Luca Romano", "Chiara Colombo", "Paolo Ricci"];
const streets = ["Via Roma 12", "Corso Italia 45", "Via Garibaldi 3", "Piazza Mazzini 8", "Via Verdi 27"];

/** The person the node has on record for a notice (fictional; the presented payer wins when given). */
export function nodePayerFor(rptId: string, presented: NoticePayer | null): NoticePayer {
  if (presented?.name) return presented;
  const h = stableHash(rptId);
  const city = municipalities[h % municipalities.length] ?? "Firenze";
  return {
    name: payers[h % payers.length] ?? "Mario Rossi",
    address: `${streets[(h >>> 4) % streets.length]}, ${city}`,
    postalCode: null,
    city,
    fiscalCode: null,
  };
}

/** Road-fine amounts as Italian municipalities print them (the reduced and full amounts of common offences). */
const fineAmounts = [2940, 4200, 5880, 8700, 17300, 4130, 9800];

/**
 * What a notice of each catalogue entry plausibly costs, from a hash `h` of its notice number: a road fine from
 * the usual amounts, a TARI instalment, a car tax, a health ticket, a school contribution in whole or half euro,
 * a university instalment in whole euro. Same order as the catalogue.
 */
const plausibleAmounts: readonly ((h: number) => number)[] = [
  (h) => fineAmounts[h % fineAmounts.length] ?? 4200,
  (h) => 6_000 + (h % 34_000),
  (h) => 8_000 + (h % 37_000),
  (h) => 1_800 + (h % 5_200),
  (h) => 1_500 + (h % 211) * 50,
  (h) => 15_000 + (h % 1_051) * 100,
];

/**
 * The amount the node gives a notice it does not know, presented by its codes alone: stable (a hash of the notice
 * number and payee, so typing the same codes twice gives the same amount) and plausible for the payee's kind of
 * notice (a fine of 42,00 €, a ticket of 36,15 €, never 163,99 € for everything).
 */
export function deterministicAmountCents(fiscalCode: string, noticeNumber: string): number {
  const kind = stableHash(fiscalCode) % catalogue.length;
  const amount = plausibleAmounts[kind] ?? plausibleAmounts[0];
  // biome-ignore lint/style/noNonNullAssertion: the table is a non-empty constant
  return amount!(stableHash(`amount:${fiscalCode}${noticeNumber}`));
}
