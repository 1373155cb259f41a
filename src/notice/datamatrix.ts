import { type NoticeError, noticeError } from "./errors.ts";
import type { Cents } from "./money.ts";
import { buildNotice, type PaymentNotice } from "./notice.ts";
import { err, ok, type Result } from "./result.ts";

const PREFIX = "codfase=NBPA;";

/** A notice read from a Poste "Bollettino Postale PA" Data Matrix, with the postal fields it adds. */
export interface PosteDataMatrixNotice extends PaymentNotice {
  readonly postalAccount: string;
  readonly documentType: string;
  /** The debtor's personal fiscal code as printed: personal data, never logged. */
  readonly debtorFiscalCode: string | null;
}

/**
 * Reads the Poste Data Matrix text by fixed offsets (shared/pagopa/rules.md §2): notice number at 15-33,
 * postal account at 35-47, amount in cents at 49-59, document type at 60-63, payee fiscal code at 66-77.
 * The full payload is about 256 characters but only the first 77 matter, so no exact length is required.
 */
export function parsePosteDataMatrix(text: string): Result<PosteDataMatrixNotice, NoticeError> {
  const payload = text.trimStart();
  if (payload === "") return err(noticeError("empty", "the Data Matrix text is empty"));
  if (!payload.startsWith(PREFIX)) return err(noticeError("not_datamatrix", "not a Poste Data Matrix (codfase=NBPA;)"));
  if (payload.length < 77) return err(noticeError("datamatrix_format", "the Data Matrix text is cut short"));
  // Offsets 13-62 hold the tagged numeric fields: 18<notice>12<account>10<amount>3 896.
  if (!/^[0-9]{50}$/.test(payload.slice(13, 63))) {
    return err(noticeError("datamatrix_format", "the Data Matrix numeric fields hold other characters"));
  }
  const noticeNumber = payload.slice(15, 33);
  const amount = Number(payload.slice(49, 59));
  if (amount === 0) return err(noticeError("amount_zero", "the Data Matrix amount is zero"));
  const fiscalCode = payload.slice(66, 77);
  if (!/^[0-9]{11}$/.test(fiscalCode)) {
    return err(noticeError("fiscal_code_format", "the Data Matrix payee code is not 11 digits"));
  }
  const notice = buildNotice({ source: "datamatrix", noticeNumber, fiscalCode, amountCents: amount as Cents });
  if (!notice.ok) return notice;
  const debtor = payload.slice(77, 93).trim();
  return ok({
    ...notice.value,
    postalAccount: payload.slice(35, 47),
    documentType: payload.slice(60, 63),
    debtorFiscalCode: debtor === "" ? null : debtor,
  });
}
