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
 * The fixed parts of the layout (docs/pagopa-notices.md, "Poste Data Matrix"): each must hold exactly this text,
 * or the payload is not a Poste Data Matrix. Offsets are 0-based, as the layout table gives them.
 */
const FIXED_PARTS: readonly { readonly at: number; readonly text: string; readonly part: string }[] = [
  { at: 13, text: "18", part: "the length tag before the notice number (18)" },
  { at: 33, text: "12", part: "the length tag before the postal account (12)" },
  { at: 47, text: "10", part: "the length tag before the amount (10)" },
  { at: 59, text: "3", part: "the length tag before the document type (3)" },
  { at: 60, text: "896", part: "the document type (896)" },
  { at: 63, text: "1P1", part: "the 1P1 marker before the payee's fiscal code" },
];

/** The numeric fields, each named for the error that points at it. */
const NUMERIC_FIELDS: readonly { readonly at: number; readonly length: number; readonly part: string }[] = [
  { at: 15, length: 18, part: "the notice number" },
  { at: 35, length: 12, part: "the postal account" },
  { at: 49, length: 10, part: "the amount" },
];

/**
 * Reads the Poste Data Matrix text (docs/pagopa-notices.md): the literal prefix, then length-tagged numeric
 * fields — notice number at 15-33, postal account at 35-47, amount in cents at 49-59 — the document type 896 and
 * the `1P1` marker, then the payee fiscal code at 66-77. Every fixed part is checked, and a payload whose tag or
 * marker is wrong is refused naming that part, as the QR parser names its wrong field. The full payload is about
 * 256 characters but only the first 77 matter, so no exact length is required.
 */
export function parsePosteDataMatrix(text: string): Result<PosteDataMatrixNotice, NoticeError> {
  const payload = text.trimStart();
  if (payload === "") return err(noticeError("empty", "the Data Matrix text is empty"));
  if (!payload.startsWith(PREFIX)) return err(noticeError("not_datamatrix", "not a Poste Data Matrix (codfase=NBPA;)"));
  if (payload.length < 77) return err(noticeError("datamatrix_format", "the Data Matrix text is cut short"));
  for (const fixed of FIXED_PARTS) {
    const found = payload.slice(fixed.at, fixed.at + fixed.text.length);
    if (found !== fixed.text) {
      return err(
        noticeError(
          "datamatrix_format",
          `${fixed.part} is wrong: "${found}" at offset ${fixed.at}, not "${fixed.text}"`,
        ),
      );
    }
  }
  for (const field of NUMERIC_FIELDS) {
    if (!/^[0-9]+$/.test(payload.slice(field.at, field.at + field.length))) {
      return err(noticeError("datamatrix_format", `${field.part} holds other characters than digits`));
    }
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
