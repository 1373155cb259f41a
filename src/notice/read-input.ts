import { parsePosteDataMatrix } from "./datamatrix.ts";
import { type NoticeError, noticeError } from "./errors.ts";
import { parseFiscalCode } from "./fiscal-code.ts";
import { readNoticeFromText } from "./free-text.ts";
import type { Cents } from "./money.ts";
import type { NoticeWarning, PaymentNotice } from "./notice.ts";
import { parseNoticeNumber } from "./notice-number.ts";
import { parseQrPayload } from "./qr-payload.ts";
import { err, ok, type Result } from "./result.ts";

/** How a piece of text was (or must be) read. */
export type InputKind = "qr" | "datamatrix" | "notice-number" | "fiscal-code" | "text";

export const inputKinds: readonly InputKind[] = ["qr", "datamatrix", "notice-number", "fiscal-code", "text"];

/** What a text told us: a whole notice, or only part of one (a lone notice number or payee code). */
export interface NoticeInput {
  readonly kind: InputKind;
  readonly noticeNumber: string | null;
  readonly fiscalCode: string | null;
  readonly amountCents: Cents | null;
  readonly rptId: string | null;
  readonly auxDigit: string | null;
  readonly iuv: string | null;
  readonly warnings: readonly NoticeWarning[];
  /** Present when both codes are known, so the notice can be paid. */
  readonly notice: PaymentNotice | null;
}

const readers: Record<InputKind, (text: string) => Result<NoticeInput, NoticeError>> = {
  qr: (text) => fromNotice("qr", parseQrPayload(text)),
  datamatrix: (text) => fromNotice("datamatrix", parsePosteDataMatrix(text)),
  text: (text) => fromNotice("text", readNoticeFromText(text)),
  "notice-number": (text) => {
    const number = parseNoticeNumber(text);
    if (!number.ok) return number;
    const n = number.value;
    return ok({
      ...empty("notice-number"),
      noticeNumber: n.noticeNumber,
      auxDigit: n.auxDigit,
      iuv: n.iuv,
      warnings: n.checkDigitOk === false ? ["notice_check_digit"] : [],
    });
  },
  "fiscal-code": (text) => {
    const code = parseFiscalCode(text);
    if (!code.ok) return code;
    return ok({
      ...empty("fiscal-code"),
      fiscalCode: code.value.fiscalCode,
      warnings: code.value.checksumOk ? [] : ["fiscal_code_checksum"],
    });
  },
};

/**
 * Reads a text as the given kind, or, without one, as the first kind that fits: a QR text, a Data Matrix
 * text, a lone notice number, a lone payee fiscal code, then a message holding a notice.
 */
export function readNoticeInput(text: string, as?: InputKind): Result<NoticeInput, NoticeError> {
  if (as !== undefined) return readers[as](text);
  if (text.trim() === "") return err(noticeError("empty", "nothing to read"));
  // A text that is evidently a QR or Data Matrix payload is read as one, so a broken one reports its own fault.
  if (/^\s*PAGOPA\|/.test(text)) return readers.qr(text);
  if (/^\s*codfase=/.test(text)) return readers.datamatrix(text);
  const errors = new Map<InputKind, NoticeError>();
  for (const kind of inputKinds) {
    const result = readers[kind](text);
    if (result.ok) return result;
    errors.set(kind, result.error);
  }
  return err(errors.get("text") ?? noticeError("empty", "nothing to read"));
}

function empty(kind: InputKind): NoticeInput {
  return {
    kind,
    noticeNumber: null,
    fiscalCode: null,
    amountCents: null,
    rptId: null,
    auxDigit: null,
    iuv: null,
    warnings: [],
    notice: null,
  };
}

function fromNotice(kind: InputKind, result: Result<PaymentNotice, NoticeError>): Result<NoticeInput, NoticeError> {
  if (!result.ok) return result;
  const n = result.value;
  return ok({
    kind,
    noticeNumber: n.noticeNumber,
    fiscalCode: n.fiscalCode,
    amountCents: n.amountCents,
    rptId: n.rptId,
    auxDigit: n.auxDigit,
    iuv: n.iuv,
    warnings: n.warnings,
    notice: n,
  });
}
