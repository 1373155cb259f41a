import type { NoticeError } from "./errors.ts";
import { parseFiscalCode } from "./fiscal-code.ts";
import type { Cents } from "./money.ts";
import { type NoticeNumber, parseNoticeNumber } from "./notice-number.ts";
import { ok, type Result } from "./result.ts";

/** Warnings that never block a payment (pagoPA's own test data fails both checks). */
export type NoticeWarning = "notice_check_digit" | "fiscal_code_checksum";

/** Where a notice's codes were read from. */
export type NoticeSource = "qr" | "datamatrix" | "text";

/** A payable pagoPA notice: the payee, the notice number and, when the source carries one, the amount. */
export interface PaymentNotice extends NoticeNumber {
  readonly source: NoticeSource;
  readonly fiscalCode: string;
  readonly fiscalCodeChecksumOk: boolean;
  /** The amount printed or encoded at issuance; the PSP's current amount may differ. */
  readonly amountCents: Cents | null;
  /** fiscal code + notice number: the notice's identity (and pagobot's dedup key). */
  readonly rptId: string;
  /** The text the codes came from when it was a QR payload; DropPay accepts it as `codice_avviso_2d`. */
  readonly qrText: string | null;
  readonly warnings: readonly NoticeWarning[];
}

/** The RptId: payee fiscal code (11 digits) followed by the notice number (18 digits). */
export function rptIdOf(fiscalCode: string, noticeNumber: string): string {
  return `${fiscalCode}${noticeNumber}`;
}

/** Builds a notice from already-extracted codes, checking each one and collecting warnings. */
export function buildNotice(parts: {
  source: NoticeSource;
  noticeNumber: string;
  fiscalCode: string;
  amountCents: Cents | null;
  qrText?: string | null;
}): Result<PaymentNotice, NoticeError> {
  const number = parseNoticeNumber(parts.noticeNumber);
  if (!number.ok) return number;
  const payee = parseFiscalCode(parts.fiscalCode);
  if (!payee.ok) return payee;
  const warnings: NoticeWarning[] = [];
  if (number.value.checkDigitOk === false) warnings.push("notice_check_digit");
  if (!payee.value.checksumOk) warnings.push("fiscal_code_checksum");
  return ok({
    ...number.value,
    source: parts.source,
    fiscalCode: payee.value.fiscalCode,
    fiscalCodeChecksumOk: payee.value.checksumOk,
    amountCents: parts.amountCents,
    rptId: rptIdOf(payee.value.fiscalCode, number.value.noticeNumber),
    qrText: parts.qrText ?? null,
    warnings,
  });
}
