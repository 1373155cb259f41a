/** Why a text could not be read as a pagoPA notice; `code` is stable and mapped to a user message at the edge. */
export type NoticeErrorCode =
  | "empty"
  | "not_pagopa_qr"
  | "unsupported_qr_version"
  | "qr_field_count"
  | "notice_number_format"
  | "aux_digit"
  | "fiscal_code_format"
  | "amount_format"
  | "amount_zero"
  | "amount_too_large"
  | "not_datamatrix"
  | "datamatrix_format"
  | "no_notice_in_text"
  | "no_fiscal_code_in_text";

export interface NoticeError {
  readonly code: NoticeErrorCode;
  /** English, for logs and the CLI; chat users get a translated message chosen by `code`. */
  readonly message: string;
}

export const noticeError = (code: NoticeErrorCode, message: string): NoticeError => ({ code, message });
