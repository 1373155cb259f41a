import { type NoticeError, noticeError } from "./errors.ts";
import type { Cents } from "./money.ts";
import { buildNotice, type PaymentNotice } from "./notice.ts";
import { err, type Result } from "./result.ts";

/**
 * Reads the text of a pagoPA notice's QR code: `PAGOPA|002|<18-digit notice>|<11-digit payee>|<cents>`
 * (shared/pagopa/rules.md §1). Outer whitespace is trimmed (io-app does); the amount has 1 to 11 digits,
 * leading zeros allowed, and must be above zero; exactly five fields.
 */
export function parseQrPayload(text: string): Result<PaymentNotice, NoticeError> {
  const trimmed = text.trim();
  if (trimmed === "") return err(noticeError("empty", "the QR text is empty"));
  const fields = trimmed.split("|");
  if (fields[0] !== "PAGOPA")
    return err(noticeError("not_pagopa_qr", "not a pagoPA QR code (it must start with PAGOPA|)"));
  if (fields.length !== 5) {
    return err(
      noticeError("qr_field_count", `a pagoPA QR code has 5 fields separated by |, this has ${fields.length}`),
    );
  }
  const [, version, noticeNumber = "", fiscalCode = "", amount = ""] = fields;
  if (version !== "002")
    return err(noticeError("unsupported_qr_version", "only version 002 of the pagoPA QR code exists"));
  if (!/^[0-9]{18}$/.test(noticeNumber)) {
    return err(noticeError("notice_number_format", "the QR's notice number is not 18 digits"));
  }
  if (!/^[0-9]{11}$/.test(fiscalCode))
    return err(noticeError("fiscal_code_format", "the QR's payee code is not 11 digits"));
  const amountCents = parseQrAmount(amount);
  if (!amountCents.ok) return amountCents;
  return buildNotice({ source: "qr", noticeNumber, fiscalCode, amountCents: amountCents.value, qrText: trimmed });
}

function parseQrAmount(amount: string): Result<Cents, NoticeError> {
  if (!/^[0-9]+$/.test(amount))
    return err(noticeError("amount_format", "the QR amount is not a whole number of cents"));
  if (amount.length > 11) return err(noticeError("amount_too_large", "the QR amount has more than 11 digits"));
  const cents = Number(amount);
  if (cents === 0) return err(noticeError("amount_zero", "the QR amount is zero"));
  return { ok: true, value: cents as Cents };
}

/** True when a decoded QR text looks like a pagoPA payload at all (used to ignore other QR codes on a sheet). */
export function looksLikePagoPaQr(text: string): boolean {
  return text.trim().startsWith("PAGOPA|");
}
