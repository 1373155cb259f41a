import type { Cents } from "../../notice/money.ts";
import { computeCheckDigit } from "../../notice/notice-number.ts";

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
  /** What happens when it is paid, in words for the person trying it (no status names, no error codes). */
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
    effect: {
      it: "Il pagamento va a buon fine: arriva la ricevuta con lo IUR.",
      en: "The payment goes through: a receipt with its IUR arrives.",
    },
  },
  {
    behaviour: "failed",
    fiscalCode: "99999000021",
    noticeNumber: "301202600000000204",
    amountCents: 7500 as Cents,
    payeeName: "Comune di Valfallita",
    label: { it: "Fallito", en: "Failed" },
    effect: {
      it: "Il pagamento non riesce: l'importo torna sul conto.",
      en: "The payment fails: the money goes back to the account.",
    },
  },
  {
    behaviour: "promised",
    fiscalCode: "99999000039",
    noticeNumber: "301202600000000305",
    amountCents: 4990 as Cents,
    payeeName: "ASL Sandbox 3",
    label: { it: "Promesso, poi pagato", en: "Promised, then paid" },
    effect: {
      it: "L'ente accetta subito il pagamento, la conferma definitiva arriva qualche secondo dopo.",
      en: "The payee accepts the payment at once; the final confirmation follows a few seconds later.",
    },
  },
  {
    behaviour: "expired",
    fiscalCode: "99999000047",
    noticeNumber: "301202600000000406",
    amountCents: 3000 as Cents,
    payeeName: "Comune di Scadenza Vecchia",
    label: { it: "Scaduto", en: "Expired" },
    effect: {
      it: "L'avviso è scaduto: non si può pagare.",
      en: "The notice has expired: it cannot be paid.",
    },
  },
  {
    behaviour: "unknown",
    fiscalCode: "99999000054",
    noticeNumber: "301202600000000507",
    amountCents: 1000 as Cents,
    payeeName: "Ente Sconosciuto",
    label: { it: "Sconosciuto", en: "Unknown" },
    effect: {
      it: "pagoPA non trova l'avviso.",
      en: "pagoPA cannot find the notice.",
    },
  },
  {
    behaviour: "already_paid",
    fiscalCode: "99999000062",
    noticeNumber: "301202600000000608",
    amountCents: 6400 as Cents,
    payeeName: "Istituto Comprensivo Sandbox",
    label: { it: "Già pagato", en: "Already paid" },
    effect: {
      it: "L'avviso risulta già pagato altrove.",
      en: "The notice has already been paid elsewhere.",
    },
  },
  {
    behaviour: "amount_changed",
    fiscalCode: "99999000070",
    noticeNumber: "301202600000000709",
    amountCents: 10000 as Cents,
    payeeName: "Comune di Importo Nuovo",
    label: { it: "Importo cambiato", en: "Amount changed" },
    effect: {
      it: "L'ente ha aggiornato l'importo (+5,40 €): il riepilogo mostra entrambi gli importi.",
      en: "The payee has updated the amount (+€5.40): the summary shows both amounts.",
    },
  },
  {
    behaviour: "node_unavailable",
    fiscalCode: "99999000088",
    noticeNumber: "301202600000000810",
    amountCents: 2200 as Cents,
    payeeName: "Regione Nodo Spento",
    label: { it: "Nodo non disponibile", en: "Node unavailable" },
    effect: {
      it: "Il sistema pagoPA non risponde: riprova più tardi.",
      en: "The pagoPA system does not answer: try again later.",
    },
  },
  {
    behaviour: "node_rejected",
    fiscalCode: "99999000096",
    noticeNumber: "301202600000000911",
    amountCents: 1800 as Cents,
    payeeName: "Consorzio Rifiutato",
    label: { it: "Rifiutato dal nodo", en: "Rejected by the node" },
    effect: {
      it: "pagoPA non accetta il pagamento in questo momento.",
      en: "pagoPA does not accept the payment right now.",
    },
  },
  {
    behaviour: "slow",
    fiscalCode: "99999000104",
    noticeNumber: "301202600000001012",
    amountCents: 3333 as Cents,
    payeeName: "Università Lenta di Sandbox",
    label: { it: "Lento", en: "Slow" },
    effect: {
      it: "DropPay risponde dopo alcuni secondi; poi il pagamento va a buon fine.",
      en: "DropPay answers after a few seconds; then the payment goes through.",
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

/**
 * A new notice number of a test payee, never issued before: aux digit 3, segregation code 01, an IUV base made of
 * the year and `serial`, and its mod-93 check digit. Every notice of a test payee behaves as the payee does, so a
 * demo can send "the paid notice" again and again, each time a notice nobody has paid yet.
 */
export function freshNoticeNumber(serial: number, year = 2026): string {
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 1e9) throw new RangeError("serial out of range");
  const first16 = `301${year}${String(serial).padStart(9, "0")}`;
  return `${first16}${computeCheckDigit(first16)}`;
}
