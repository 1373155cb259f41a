import type { Cents } from "../../notice/money.ts";

/** What the sandbox does with every notice of a test payee. */
export type TestBehaviour =
  | "paid"
  | "failed"
  | "promised"
  | "expired"
  | "unknown"
  | "already_paid"
  | "amount_changed"
  | "node_unavailable"
  | "node_rejected"
  | "slow";

/** A documented test notice, like a card network's test card: pay it in the sandbox and it does what it says. */
export interface SandboxTestNotice {
  readonly behaviour: TestBehaviour;
  /** The payee's fiscal code (valid check digit). Every notice of this payee behaves the same way. */
  readonly fiscalCode: string;
  /** A sample notice number of this payee (aux digit 3, valid mod-93 check digit). */
  readonly noticeNumber: string;
  /** The amount printed on the sample notice (and in its QR). */
  readonly amountCents: Cents;
  readonly payeeName: string;
  /** The sample notice's QR text: `PAGOPA|002|<notice>|<payee>|<cents>`. */
  readonly qrText: string;
  /** A short label for lists. */
  readonly label: { readonly it: string; readonly en: string };
  /** What happens when it is paid. */
  readonly effect: { readonly it: string; readonly en: string };
}

type Row = Omit<SandboxTestNotice, "qrText">;

const rows: readonly Row[] = [
  {
    behaviour: "paid",
    fiscalCode: "99999000013",
    noticeNumber: "301202600000000103",
    amountCents: 12050 as Cents,
    payeeName: "Comune di Borgo Sereno",
    label: { it: "Pagato", en: "Paid" },
    effect: { it: "RUNNING, poi PAID con IUR", en: "RUNNING, then PAID with an IUR" },
  },
  {
    behaviour: "failed",
    fiscalCode: "99999000021",
    noticeNumber: "301202600000000204",
    amountCents: 7500 as Cents,
    payeeName: "Comune di Valfallita",
    label: { it: "Fallito", en: "Failed" },
    effect: { it: "RUNNING, poi FAILED; l'importo torna sul conto", en: "RUNNING, then FAILED; the money is refunded" },
  },
  {
    behaviour: "promised",
    fiscalCode: "99999000039",
    noticeNumber: "301202600000000305",
    amountCents: 4990 as Cents,
    payeeName: "ASL Sandbox 3",
    label: { it: "Promesso, poi pagato", en: "Promised, then paid" },
    effect: { it: "RUNNING, PROMISED, poi PAID", en: "RUNNING, PROMISED, then PAID" },
  },
  {
    behaviour: "expired",
    fiscalCode: "99999000047",
    noticeNumber: "301202600000000406",
    amountCents: 3000 as Cents,
    payeeName: "Comune di Scadenza Vecchia",
    label: { it: "Scaduto", en: "Expired" },
    effect: { it: "la creazione risponde 409/312", en: "create answers 409/312" },
  },
  {
    behaviour: "unknown",
    fiscalCode: "99999000054",
    noticeNumber: "301202600000000507",
    amountCents: 1000 as Cents,
    payeeName: "Ente Sconosciuto",
    label: { it: "Sconosciuto", en: "Unknown" },
    effect: { it: "la creazione risponde 404/310", en: "create answers 404/310" },
  },
  {
    behaviour: "already_paid",
    fiscalCode: "99999000062",
    noticeNumber: "301202600000000608",
    amountCents: 6400 as Cents,
    payeeName: "Istituto Comprensivo Sandbox",
    label: { it: "Già pagato", en: "Already paid" },
    effect: { it: "la creazione risponde 409/310", en: "create answers 409/310" },
  },
  {
    behaviour: "amount_changed",
    fiscalCode: "99999000070",
    noticeNumber: "301202600000000709",
    amountCents: 10000 as Cents,
    payeeName: "Comune di Importo Nuovo",
    label: { it: "Importo cambiato", en: "Amount changed" },
    effect: {
      it: "con il QR: 409/313; con i soli codici: bozza con l'importo aggiornato (+5,40 €)",
      en: "with the QR: 409/313; by codes alone: a DRAFT with the updated amount (+€5.40)",
    },
  },
  {
    behaviour: "node_unavailable",
    fiscalCode: "99999000088",
    noticeNumber: "301202600000000810",
    amountCents: 2200 as Cents,
    payeeName: "Regione Nodo Spento",
    label: { it: "Nodo non disponibile", en: "Node unavailable" },
    effect: { it: "la creazione risponde 500/310", en: "create answers 500/310" },
  },
  {
    behaviour: "node_rejected",
    fiscalCode: "99999000096",
    noticeNumber: "301202600000000911",
    amountCents: 1800 as Cents,
    payeeName: "Consorzio Rifiutato",
    label: { it: "Rifiutato dal nodo", en: "Rejected by the node" },
    effect: { it: "la creazione risponde 500/311", en: "create answers 500/311" },
  },
  {
    behaviour: "slow",
    fiscalCode: "99999000104",
    noticeNumber: "301202600000001012",
    amountCents: 3333 as Cents,
    payeeName: "Università Lenta di Sandbox",
    label: { it: "Lento", en: "Slow" },
    effect: {
      it: "creazione e disposizione rispondono dopo alcuni secondi; poi PAID",
      en: "create and disposition answer after a few seconds; then PAID",
    },
  },
];

/** The sandbox's test notices, for the README table and the playground's sample notices. */
export const sandboxTestNotices: readonly SandboxTestNotice[] = rows.map((row) => ({
  ...row,
  qrText: `PAGOPA|002|${row.noticeNumber}|${row.fiscalCode}|${row.amountCents}`,
}));

const byFiscalCode = new Map(sandboxTestNotices.map((n) => [n.fiscalCode, n]));

/** The test notice whose payee this is, if any. */
export function testNoticeFor(fiscalCode: string): SandboxTestNotice | undefined {
  return byFiscalCode.get(fiscalCode);
}

/** What a test payee adds to the node's amount for `amount_changed` (a late-payment surcharge, say). */
export const amountChangeCents = 540;
