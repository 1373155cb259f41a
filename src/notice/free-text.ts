import { parsePosteDataMatrix } from "./datamatrix.ts";
import { type NoticeError, noticeError } from "./errors.ts";
import { fiscalCodeChecksumOk } from "./fiscal-code.ts";
import { type Cents, parseEuroText } from "./money.ts";
import { buildNotice, type PaymentNotice } from "./notice.ts";
import { computeCheckDigit } from "./notice-number.ts";
import { parseQrPayload } from "./qr-payload.ts";
import { err, type Result } from "./result.ts";

interface Span {
  readonly digits: string;
  readonly start: number;
  readonly end: number;
}

type Label = "notice" | "payee" | "amount";

// Words that introduce each code on notices and in what people paste ("Codice avviso …, CF ente …").
const LABELS: readonly { label: Label; pattern: RegExp }[] = [
  {
    label: "notice",
    pattern: /(codice|numero|cod\.?|n\.?|nr\.?|num\.?)\s*(di\s+)?avviso|avviso|notice(\s+(number|code))?|iuv/gi,
  },
  {
    label: "payee",
    pattern:
      /codice\s+fiscale|c\.?\s?f\.?(?![a-z])|cf|p\.?\s?iva|partita\s+iva|ente(\s+creditore)?|creditore|payee|tax\s+code|fiscal\s+code/gi,
  },
  { label: "amount", pattern: /importo|totale|da\s+pagare|amount|total|€|eur(o)?/gi },
];

/**
 * Finds a notice in a pasted or typed message such as
 * "Codice avviso 3020 1672 3749 6700 00, CF ente 80016350821, 1.030,69 €": the 18-digit notice number
 * (grouped or not), the payee's 11-digit fiscal code and, when present, the amount. A QR or Data Matrix text
 * inside the message is read as such. Labels next to the numbers decide when several could fit.
 */
export function readNoticeFromText(text: string): Result<PaymentNotice, NoticeError> {
  const embeddedQr = /PAGOPA\|[^\s]*/.exec(text);
  if (embeddedQr) {
    const qr = parseQrPayload(embeddedQr[0]);
    if (qr.ok) return { ok: true, value: { ...qr.value, source: "text" } };
  }
  const embeddedDm = /codfase=NBPA;.*/s.exec(text);
  if (embeddedDm) {
    const dm = parsePosteDataMatrix(embeddedDm[0]);
    if (dm.ok) return { ok: true, value: { ...dm.value, source: "text" } };
  }

  const labels = findLabels(text);
  const runs = findDigitRuns(text);
  const notices = runs.flatMap((run) => candidates(run, 18)).filter((c) => /^[0-3]/.test(c.digits));
  const payees = runs.flatMap((run) => candidates(run, 11));
  if (notices.length === 0) return err(noticeError("no_notice_in_text", "no 18-digit notice number in the text"));

  let best: { notice: Span; payee: Span; score: number } | undefined;
  for (const notice of notices) {
    for (const payee of payees) {
      if (payee.start < notice.end && notice.start < payee.end) continue;
      const score =
        (labelBefore(labels, notice.start) === "notice" ? 4 : 0) +
        (computeCheckDigit(notice.digits.slice(0, 16)) === notice.digits.slice(16) || notice.digits[0] === "1"
          ? 2
          : 0) +
        (labelBefore(labels, payee.start) === "payee" ? 4 : 0) +
        (fiscalCodeChecksumOk(payee.digits) ? 2 : 0);
      if (best === undefined || score > best.score) best = { notice, payee, score };
    }
  }
  if (best === undefined)
    return err(noticeError("no_fiscal_code_in_text", "no 11-digit payee fiscal code in the text"));
  const taken = [best.notice, best.payee];
  const amountCents = findAmount(text, labels, taken);
  return buildNotice({
    source: "text",
    noticeNumber: best.notice.digits,
    fiscalCode: best.payee.digits,
    amountCents,
  });
}

function findLabels(text: string): { label: Label; end: number }[] {
  const found: { label: Label; end: number }[] = [];
  for (const { label, pattern } of LABELS) {
    for (const match of text.matchAll(pattern)) found.push({ label, end: (match.index ?? 0) + match[0].length });
  }
  return found.sort((a, b) => a.end - b.end);
}

/** The nearest label that ends before `position` with nothing but punctuation, spaces and short words between. */
function labelBefore(labels: readonly { label: Label; end: number }[], position: number): Label | undefined {
  let nearest: { label: Label; end: number } | undefined;
  for (const l of labels) if (l.end <= position && position - l.end <= 30) nearest = l;
  return nearest?.label;
}

/** Maximal runs of digit groups joined by one space, dot, dash or no-break space ("3020 1672 3749 6700 00"). */
function findDigitRuns(text: string): { groups: Span[]; start: number; end: number }[] {
  const runs: { groups: Span[]; start: number; end: number }[] = [];
  for (const match of text.matchAll(/(?<!\d)\d+(?:[ .\-\u00a0]\d+)*/g)) {
    const start = match.index ?? 0;
    const groups: Span[] = [];
    for (const g of match[0].matchAll(/\d+/g)) {
      const gStart = start + (g.index ?? 0);
      groups.push({ digits: g[0], start: gStart, end: gStart + g[0].length });
    }
    runs.push({ groups, start, end: start + match[0].length });
  }
  return runs;
}

/** Every way a run yields `length` digits on group boundaries (a 29-digit blob may hold both codes). */
function candidates(run: { groups: Span[] }, length: number): Span[] {
  const out: Span[] = [];
  const { groups } = run;
  for (let i = 0; i < groups.length; i++) {
    let digits = "";
    for (let j = i; j < groups.length; j++) {
      digits += groups[j]?.digits ?? "";
      if (digits.length === length) out.push({ digits, start: groups[i]?.start ?? 0, end: groups[j]?.end ?? 0 });
      if (digits.length >= length) break;
    }
    const only = groups[i];
    // An ungrouped run of both codes glued together: RptId order (payee first) or notice first.
    if (only && only.digits.length === 29) {
      const cut = length === 11 ? [0, 18] : [11, 0];
      for (const at of cut) {
        out.push({ digits: only.digits.slice(at, at + length), start: only.start + at, end: only.start + at + length });
      }
    }
  }
  return out;
}

const AMOUNT = String.raw`\d{1,3}(?:[.\u00a0 ]\d{3})+(?:,\d{1,2})?|\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:[.,]\d{1,2})?`;

function findAmount(
  text: string,
  labels: readonly { label: Label; end: number }[],
  taken: readonly Span[],
): Cents | null {
  const patterns = [
    new RegExp(String.raw`(?:€|\beur(?:o)?\b)\s*(${AMOUNT})(?![\d.,]*\d)`, "gi"),
    new RegExp(String.raw`(?<![\d.,])(${AMOUNT})\s*(?:€|\beur(?:o)?\b)`, "gi"),
    new RegExp(String.raw`(?<![\d.,])(${AMOUNT})(?![\d.,]*\d)`, "g"),
  ];
  for (const [index, pattern] of patterns.entries()) {
    for (const match of text.matchAll(pattern)) {
      const amountText = match[1] ?? "";
      const start = (match.index ?? 0) + match[0].indexOf(amountText);
      const end = start + amountText.length;
      if (taken.some((t) => start < t.end && t.start < end)) continue;
      // A bare number counts only right after an amount label ("importo 12,50").
      if (index === 2 && labelBefore(labels, start) !== "amount") continue;
      const cents = parseEuroText(amountText);
      if (cents.ok && cents.value > 0) return cents.value;
    }
  }
  return null;
}
