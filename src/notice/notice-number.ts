import { type NoticeError, noticeError } from "./errors.ts";
import { err, ok, type Result } from "./result.ts";

export type AuxDigit = "0" | "1" | "2" | "3";

/** An 18-digit codice avviso split by its aux digit (SACI 1.3.1 §2.2; shared/pagopa/rules.md §3). */
export interface NoticeNumber {
  readonly noticeNumber: string;
  readonly auxDigit: AuxDigit;
  /** aux 0 only: the two-digit application code. */
  readonly applicationCode?: string;
  /** aux 3 only: the two-digit segregation code. */
  readonly segregationCode?: string;
  /** The IUV base: 13 digits (aux 0 and 3), 15 (aux 2) or 17 (aux 1). */
  readonly iuvBase: string;
  /** aux 0, 2 and 3: the two check digits. */
  readonly checkDigit?: string;
  /** The IUV as used in receipts (for aux 3 it starts with the segregation code). */
  readonly iuv: string;
  /** Whether the mod-93 check digit matches; null for aux 1, which has none. A mismatch is a warning only. */
  readonly checkDigitOk: boolean | null;
}

/** Removes what people and OCR put between digit groups: spaces, dots, dashes (only ASCII digits remain valid). */
export function normalizeNoticeNumber(input: string): string {
  return input.trim().replace(/[\s.\-\u00a0\u202f_/]/g, "");
}

/** The mod-93 check digit of the first 16 digits, written with two digits (SACI §2.2). */
export function computeCheckDigit(first16: string): string {
  return (BigInt(first16) % 93n).toString().padStart(2, "0");
}

/** Reads an 18-digit notice number, typed or printed (with spaces, dots or dashes between groups). */
export function parseNoticeNumber(input: string): Result<NoticeNumber, NoticeError> {
  const digits = normalizeNoticeNumber(input);
  if (digits === "") return err(noticeError("empty", "no notice number given"));
  if (!/^[0-9]{18}$/.test(digits)) {
    return err(noticeError("notice_number_format", "a notice number has exactly 18 digits"));
  }
  return describeNoticeNumber(digits);
}

/** Splits an 18-digit string by its aux digit; the caller has checked it is 18 ASCII digits. */
export function describeNoticeNumber(digits: string): Result<NoticeNumber, NoticeError> {
  const aux = digits[0];
  const checked = (): Pick<NoticeNumber, "checkDigit" | "checkDigitOk"> => {
    const checkDigit = digits.slice(16);
    return { checkDigit, checkDigitOk: computeCheckDigit(digits.slice(0, 16)) === checkDigit };
  };
  switch (aux) {
    case "0":
      return ok({
        noticeNumber: digits,
        auxDigit: aux,
        applicationCode: digits.slice(1, 3),
        iuvBase: digits.slice(3, 16),
        iuv: digits.slice(3),
        ...checked(),
      });
    case "1":
      return ok({
        noticeNumber: digits,
        auxDigit: aux,
        iuvBase: digits.slice(1),
        iuv: digits.slice(1),
        checkDigitOk: null,
      });
    case "2":
      return ok({
        noticeNumber: digits,
        auxDigit: aux,
        iuvBase: digits.slice(1, 16),
        iuv: digits.slice(1),
        ...checked(),
      });
    case "3":
      return ok({
        noticeNumber: digits,
        auxDigit: aux,
        segregationCode: digits.slice(1, 3),
        iuvBase: digits.slice(3, 16),
        iuv: digits.slice(1),
        ...checked(),
      });
    default:
      return err(noticeError("aux_digit", "a notice number starts with 0, 1, 2 or 3"));
  }
}

/** Groups a notice number as it is printed on the notice: "3020 1672 3749 6700 00". */
export function formatNoticeNumber(noticeNumber: string): string {
  return noticeNumber.replace(/(\d{4})(?=\d)/g, "$1 ");
}
