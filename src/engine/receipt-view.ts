import { familyMessagesFor } from "../family/i18n.ts";
import { receiptFileName, receiptOf, renderReceipt } from "../family/receipt.ts";
import { formatMoney } from "../i18n/format.ts";
import type { Locale } from "../notice/money.ts";
import type { PaymentRecord } from "./records.ts";
import type { View } from "./views.ts";

/**
 * A PAID payment's PDF receipt as a document view (src/family/receipt.ts draws it with pdf-lib): who asked and
 * who approved come from the household's record. Null when there is nothing to certify yet (no IUR).
 */
export async function receiptView(p: PaymentRecord, locale: Locale): Promise<View | null> {
  const data = receiptOf(p, { askedBy: p.ownerName, approvedBy: p.family?.approvedBy?.name ?? null });
  if (data === null) return null;
  const bytes = await renderReceipt(data, locale);
  return {
    type: "document",
    caption: familyMessagesFor(locale).receipt.caption(
      data.payeeName ?? data.payeeFiscalCode,
      formatMoney(data.totalCents, locale),
    ),
    fileName: receiptFileName(data, locale),
    mimeType: "application/pdf",
    base64: Buffer.from(bytes).toString("base64"),
  };
}
