import { type Messages, messagesFor } from "../i18n/t.ts";
import type { NoticeErrorCode } from "../notice/errors.ts";
import type { Locale } from "../notice/money.ts";
import { PspError } from "./gateway-port.ts";
import { FileAccessError, FileTooLargeError } from "./ports.ts";
import { ScanFailure, type ScanFailureCode } from "./scanner-port.ts";
import type { View } from "./views.ts";

/**
 * The one place where an error becomes words for a person: every DropPay error row of droppay-api.md, every
 * scanner refusal and every notice-reading fault maps here to a message in the person's language. Anything
 * else (our own bug, a store failure) gets the generic message; details go to the log, never to the chat.
 */

/** DropPay's answers, by HTTP status and code (droppay-api.md, error table and "Authentication"). */
function pspText(error: PspError, m: Messages): string {
  if (error.code === "psp_unreachable") return m.errors.pspUnreachable;
  if (error.code === "psp_not_linked") return m.link.broken;
  if (error.code === "psp_revoke_refused") return m.link.revokeInApp;
  if (error.code === "psp_bad_reply") return m.errors.pspGeneric;
  const status = error.details.httpStatus;
  const code = error.details.pspCode;
  if (status === 401) return m.link.broken;
  if (status === 403) return m.errors.accessDenied;
  if (code === undefined) return m.errors.pspGeneric; // an answer with no body: nothing more to say
  const table: Record<string, string> = {
    "400:100": m.errors.pspBadRequest,
    "404:310": m.errors.noticeNotFound,
    "409:310": m.errors.notPayable,
    "409:311": m.errors.alreadyBeingPaid,
    "409:312": m.errors.expired,
    "409:313": m.errors.amountConflict,
    "409:314": m.errors.alreadyBeingPaid,
    "409:320": m.errors.insufficientBalance,
    "500:310": m.errors.nodeUnavailable,
    "500:311": m.errors.nodeRejected,
  };
  const known = table[`${status}:${code}`];
  if (known !== undefined) return known;
  if (status === 400) return m.errors.pspBadRequest;
  if (status === 404) return m.errors.noticeNotFound;
  return m.errors.pspGeneric;
}

const MB = 1024 * 1024;

/** The scanner's refusals (and failed downloads). */
export function scanFailureText(code: ScanFailureCode, m: Messages, maxBytes: number): string {
  switch (code) {
    case "file_too_large":
      return m.errors.fileTooLarge(Math.round(maxBytes / MB));
    case "too_many_pixels":
      return m.errors.tooManyPixels;
    case "unsupported_type":
      return m.errors.unsupportedType;
    case "corrupt_file":
      return m.errors.corruptFile;
    case "pdf_encrypted":
      return m.errors.pdfEncrypted;
    case "pdf_too_many_pages":
      return m.errors.pdfTooManyPages;
    case "busy":
      return m.errors.scannerBusy;
    case "timeout":
      return m.errors.scanTimeout;
    case "download_failed":
      return m.errors.downloadFailed;
  }
}

/** Why typed or pasted codes could not be read. */
export function noticeErrorText(code: NoticeErrorCode, m: Messages): string {
  switch (code) {
    case "notice_number_format":
      return m.errors.noticeNumberFormat;
    case "aux_digit":
      return m.errors.auxDigit;
    case "fiscal_code_format":
    case "no_fiscal_code_in_text":
      return m.errors.fiscalCodeFormat;
    case "amount_format":
    case "amount_zero":
    case "amount_too_large":
      return m.errors.badQrAmount;
    case "not_pagopa_qr":
    case "unsupported_qr_version":
    case "qr_field_count":
    case "not_datamatrix":
    case "datamatrix_format":
      return m.errors.badQr;
    case "empty":
    case "no_notice_in_text":
      return m.errors.noNoticeInText;
  }
}

/** Any error, as the sentence the person reads. */
export function errorText(error: unknown, m: Messages, options: { maxFileBytes?: number } = {}): string {
  if (error instanceof PspError) return pspText(error, m);
  if (error instanceof ScanFailure) return scanFailureText(error.code, m, options.maxFileBytes ?? 20 * MB);
  if (error instanceof FileTooLargeError) return m.errors.fileTooLarge(Math.round(error.maxBytes / MB));
  if (error instanceof FileAccessError) return m.errors.fileAccess;
  return m.errors.generic;
}

/** Any error, as a text view in the person's language. */
export function errorView(error: unknown, locale: Locale, options: { maxFileBytes?: number } = {}): View {
  return { type: "text", text: errorText(error, messagesFor(locale), options) };
}
