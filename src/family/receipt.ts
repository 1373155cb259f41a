import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import type { PaymentRecord } from "../engine/records.ts";
import { addCents, type Cents, formatCents, type Locale } from "../notice/money.ts";
import { formatNoticeNumber } from "../notice/notice-number.ts";
import { familyMessagesFor } from "./i18n.ts";

/**
 * The PDF receipt of a PAID payment: payee, description, notice number, amount, fee, total, IUR, date and time in
 * Italian time, the paying account (masked), who asked and who approved. Drawn with pdf-lib's standard Helvetica,
 * so no font file ships with pagobot; text outside its character set (WinAnsi) is spelt without accents or
 * replaced, never allowed to break the receipt.
 */

export interface ReceiptData {
  readonly payeeName: string | null;
  readonly payeeFiscalCode: string;
  readonly description: string | null;
  /** The 18-digit notice number. */
  readonly noticeNumber: string;
  readonly amountCents: Cents;
  readonly feeCents: Cents;
  readonly agioCents: Cents;
  readonly totalCents: Cents;
  readonly iur: string;
  /** When it was paid (epoch ms); shown in Italian time. */
  readonly paidAt: number;
  /** The account as the card names it (owner · masked IBAN). */
  readonly account: string;
  readonly askedBy: string;
  /** Null when nobody had to approve (a payer's own notice, or a member within their cap). */
  readonly approvedBy: string | null;
}

const momentFormats: Record<Locale, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat("it-IT", {
    dateStyle: "long",
    timeStyle: "medium",
    timeZone: "Europe/Rome",
  }),
  en: new Intl.DateTimeFormat("en-IE", {
    dateStyle: "long",
    timeStyle: "medium",
    timeZone: "Europe/Rome",
  }),
};

/** The payment moment as the receipt prints it: "4 gennaio 2025 alle ore 14:05:09 (ora italiana)". */
export function receiptMoment(epochMs: number, locale: Locale): string {
  return `${momentFormats[locale].format(epochMs)} (${familyMessagesFor(locale).receipt.timeZone})`;
}

/** "Maria Rossi · IT60…4567": the account as on the card, never the whole IBAN. */
export function accountLabelOf(ownerName: string | null, iban: string | null): string {
  const masked = iban === null || iban.length < 8 ? iban : `${iban.slice(0, 4)}…${iban.slice(-4)}`;
  return [ownerName, masked].filter((x) => x !== null && x !== "").join(" · ") || "—";
}

/**
 * A receipt's data from a PAID payment (its form as read from the PSP), or null when the payment is not PAID or
 * has no IUR yet (no receipt can be given without it).
 */
export function receiptOf(
  payment: PaymentRecord,
  people: { readonly askedBy: string; readonly approvedBy: string | null },
): ReceiptData | null {
  const form = payment.form;
  if (form === null || form.status !== "PAID" || form.iur === null) return null;
  const when = form.lastModified ?? form.settlementDate;
  const paidAt = when === null || Number.isNaN(Date.parse(when)) ? payment.updatedAt : Date.parse(when);
  return {
    payeeName: form.payeeName,
    payeeFiscalCode: form.fiscalCode,
    description: form.description,
    noticeNumber: payment.notice.noticeNumber,
    amountCents: form.amountCents,
    feeCents: form.feeCents,
    agioCents: form.agioCents,
    totalCents: addCents(form.amountCents, form.feeCents, form.agioCents),
    iur: form.iur,
    paidAt,
    account: accountLabelOf(form.account.ownerName, form.account.iban),
    askedBy: people.askedBy,
    approvedBy: people.approvedBy,
  };
}

const PAGE = { width: 595.28, height: 841.89 }; // A4 in points
const MARGIN = 56;
const LABEL_WIDTH = 225;
const SIZE = 10.5;
const LINE = 15;

/** Text the standard font can draw: accents dropped where it cannot ("Łukasz" → "Lukasz"), else "?". */
const charsets = new WeakMap<PDFFont, ReadonlySet<number>>();

function drawable(font: PDFFont, text: string): string {
  let charset = charsets.get(font);
  if (charset === undefined) {
    charset = new Set(font.getCharacterSet());
    charsets.set(font, charset);
  }
  const known = charset;
  return [...text]
    .map((ch) => {
      if (ch === "\n" || ch === "\t") return " ";
      if (known.has(ch.codePointAt(0) ?? 0)) return ch;
      const plain = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      if ([...plain].every((p) => known.has(p.codePointAt(0) ?? 0))) return plain;
      if (ch === "Ł") return "L";
      if (ch === "ł") return "l";
      return "?";
    })
    .join("");
}

/** Splits text into lines that fit `width` at `size`, breaking at spaces (or inside a word longer than a line). */
function wrap(font: PDFFont, text: string, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/ +/)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (font.widthOfTextAtSize(candidate, size) <= width) {
      line = candidate;
      continue;
    }
    if (line !== "") lines.push(line);
    line = word;
    while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
      let cut = line.length - 1;
      while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
      lines.push(line.slice(0, cut));
      line = line.slice(cut);
    }
  }
  if (line !== "") lines.push(line);
  return lines.length === 0 ? [""] : lines;
}

/** Renders the receipt as a one-page A4 PDF in the person's language. */
export async function renderReceipt(data: ReceiptData, locale: Locale): Promise<Uint8Array> {
  const m = familyMessagesFor(locale).receipt;
  const money = (cents: Cents) => formatCents(cents, locale);
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  // Fixed metadata: the same payment gives the same receipt, whenever it is sent again.
  const paidAt = new Date(data.paidAt);
  doc.setTitle(`${m.title} ${data.iur}`);
  doc.setAuthor("pagobot");
  doc.setCreator("pagobot");
  doc.setProducer("pagobot");
  doc.setLanguage(locale === "it" ? "it-IT" : "en-IE");
  doc.setCreationDate(paidAt);
  doc.setModificationDate(paidAt);

  const page: PDFPage = doc.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - MARGIN;
  const ink = rgb(0.1, 0.1, 0.12);
  const grey = rgb(0.42, 0.42, 0.46);

  page.drawText(drawable(bold, m.title), { x: MARGIN, y, size: 17, font: bold, color: ink });
  y -= 24;
  for (const text of wrap(
    regular,
    drawable(regular, data.payeeName ?? data.payeeFiscalCode),
    12,
    PAGE.width - 2 * MARGIN,
  )) {
    page.drawText(text, { x: MARGIN, y, size: 12, font: regular, color: grey });
    y -= 15;
  }
  page.drawLine({
    start: { x: MARGIN, y },
    end: { x: PAGE.width - MARGIN, y },
    thickness: 0.8,
    color: rgb(0.8, 0.8, 0.82),
  });
  y -= 22;

  const rows: [string, string, boolean][] = [
    [m.payee, data.payeeName ?? "—", false],
    [m.payeeFiscalCode, data.payeeFiscalCode, false],
    [m.description, data.description ?? "—", false],
    [m.noticeNumber, formatNoticeNumber(data.noticeNumber), false],
    [m.amount, money(data.amountCents), false],
    [m.fee, money(data.feeCents), false],
    ...(data.agioCents > 0 ? ([[m.agio, money(data.agioCents), false]] as [string, string, boolean][]) : []),
    [m.total, money(data.totalCents), true],
    [m.iur, data.iur, true],
    [m.paidAt, receiptMoment(data.paidAt, locale), false],
    [m.account, data.account, false],
    [m.askedBy, data.askedBy, false],
    [m.approvedBy, data.approvedBy ?? m.noApproval, false],
  ];
  const valueWidth = PAGE.width - 2 * MARGIN - LABEL_WIDTH;
  for (const [label, value, strong] of rows) {
    const font = strong ? bold : regular;
    const labelLines = wrap(regular, drawable(regular, label), SIZE, LABEL_WIDTH - 12);
    const valueLines = wrap(font, drawable(font, value), SIZE, valueWidth);
    labelLines.forEach((text, i) => {
      page.drawText(text, { x: MARGIN, y: y - i * LINE, size: SIZE, font: regular, color: grey });
    });
    valueLines.forEach((text, i) => {
      page.drawText(text, { x: MARGIN + LABEL_WIDTH, y: y - i * LINE, size: SIZE, font, color: ink });
    });
    y -= Math.max(labelLines.length, valueLines.length) * LINE + 7;
  }
  y -= 12;
  for (const text of wrap(regular, drawable(regular, m.footer), 8.5, PAGE.width - 2 * MARGIN)) {
    page.drawText(text, { x: MARGIN, y, size: 8.5, font: regular, color: grey });
    y -= 12;
  }
  return doc.save({ useObjectStreams: false });
}

/** The receipt's file name, as the chat shows it. */
export function receiptFileName(data: ReceiptData, locale: Locale): string {
  return familyMessagesFor(locale).receipt.fileName(data.iur.replace(/[^A-Za-z0-9-]/g, ""));
}
