import { type NoticeError, noticeError } from "./errors.ts";
import { err, ok, type Result } from "./result.ts";

/** A payee's (ente creditore's) 11-digit fiscal code and whether its check digit matches. */
export interface PayeeFiscalCode {
  readonly fiscalCode: string;
  /** The partita-IVA check digit; pagoPA's own test payee 77777777777 fails it, so a mismatch only warns. */
  readonly checksumOk: boolean;
}

/** The partita-IVA check: odd positions added, even positions doubled (minus 9 above 9), (10 - sum % 10) % 10. */
export function fiscalCodeChecksumOk(fiscalCode: string): boolean {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    const digit = fiscalCode.charCodeAt(i) - 48;
    if (i % 2 === 0) sum += digit;
    else sum += digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
  }
  return (10 - (sum % 10)) % 10 === fiscalCode.charCodeAt(10) - 48;
}

/** Reads a payee fiscal code: exactly 11 ASCII digits (spaces around are ignored); a personal 16-character code is refused. */
export function parseFiscalCode(input: string): Result<PayeeFiscalCode, NoticeError> {
  const code = input.trim().replace(/[\s\u00a0]/g, "");
  if (code === "") return err(noticeError("empty", "no fiscal code given"));
  if (!/^[0-9]{11}$/.test(code)) {
    return err(noticeError("fiscal_code_format", "a payee fiscal code has exactly 11 digits"));
  }
  return ok({ fiscalCode: code, checksumOk: fiscalCodeChecksumOk(code) });
}
