import type { Cents } from "../notice/money.ts";

/** The statuses of a DropPay pagoPA form (droppay-api.md, "Statuses"). */
export const formStatuses = [
  "DRAFT",
  "READY",
  "BOOKED",
  "SCHEDULED",
  "RUNNING",
  "PAID",
  "PROMISED",
  "FAILED",
  "DELETED",
  "CANCELLED",
  "ABORTED",
] as const;

/** A form's status as DropPay names it. */
export type FormStatus = (typeof formStatuses)[number];

/** The statuses no form ever leaves. PROMISED is not one: PAID follows it. */
export const finalFormStatuses: ReadonlySet<FormStatus> = new Set([
  "PAID",
  "FAILED",
  "DELETED",
  "CANCELLED",
  "ABORTED",
]);

/** True when the form will not change any more. */
export function isFinalStatus(status: FormStatus): boolean {
  return finalFormStatuses.has(status);
}

/** PAID and PROMISED both mean the notice is paid (PROMISED: accounting follows later). */
export function isPaidStatus(status: FormStatus): boolean {
  return status === "PAID" || status === "PROMISED";
}

/** DELETED and CANCELLED both mean "cancelled by the user" (the reference uses both for the same thing). */
export function isCancelledStatus(status: FormStatus): boolean {
  return status === "DELETED" || status === "CANCELLED" || status === "ABORTED";
}

/** True once a disposition has been accepted: the payment is scheduled, running or done. */
export function isDispositionAccepted(status: FormStatus): boolean {
  return (
    status === "SCHEDULED" || status === "RUNNING" || status === "PROMISED" || status === "PAID" || status === "FAILED"
  );
}

/** What a notice is for: GENERIC (GENERICO on the wire too) or the car tax; other strings are kept as sent. */
export type CausaleType = "GENERIC" | "PRABOLLOAUTO" | (string & {});

/** Payer data as printed on the notice (posted) or as the node holds it (returned). */
export interface NoticePayer {
  readonly name: string | null;
  readonly address: string | null;
  readonly postalCode: string | null;
  readonly city: string | null;
  /** The payer's personal fiscal code: personal data, never logged. */
  readonly fiscalCode: string | null;
}

/** The DropPay account that pays (DropPay's `source`). */
export interface FormSource {
  /** DropPay's public account id (BAC…). */
  readonly id: string | null;
  readonly account: string | null;
  readonly accountIban: string | null;
  readonly accountClass: string | null;
  readonly username: string | null;
  /** The account's available balance when the form was read. */
  readonly balanceCents: Cents | null;
  readonly ownerName: string | null;
  readonly ownerLogoUrl: string | null;
}

/**
 * A DropPay pagoPA form in pagobot's words: money in integer cents, the notice number as 18 digits, dates as
 * DropPay sent them (ISO strings). The webhook URL is left out on purpose: its userinfo is a credential.
 */
export interface PagoPaForm {
  readonly id: string;
  readonly status: FormStatus;
  readonly description: string | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** "YYYY-MM-DD": when a SCHEDULED payment runs. */
  readonly scheduledDate: string | null;
  readonly settlementDate: string | null;
  /** DropPay's `amount` (equal to the notice amount in every example DropPay gives). */
  readonly amountCents: Cents;
  /** What the payee receives: the notice's current amount at the pagoPA node. */
  readonly noticeAmountCents: Cents;
  readonly feeCents: Cents;
  readonly feeReason: string | null;
  readonly feeDescription: string | null;
  readonly agioCents: Cents;
  /** What the person confirms and is charged: notice amount + fee + agio, summed in cents (payments.md R7). */
  readonly totalCents: Cents;
  /** The 18-digit notice number (DropPay echoes it with a prefix; the last 18 digits are kept). */
  readonly noticeNumber: string;
  /** The payee's 11-digit fiscal code. */
  readonly fiscalCode: string;
  /** The QR text the form was created from, when it was. */
  readonly qrText: string | null;
  readonly iuv: string | null;
  readonly payeeName: string | null;
  readonly payeeLogoUrl: string | null;
  /** The payment reason the node holds for the notice ("Multa verbale…"). */
  readonly causale: string | null;
  readonly causaleType: CausaleType | null;
  readonly causaleData: Readonly<Record<string, unknown>> | null;
  readonly pspCode: string | null;
  /** The receipt id (identificativo unico di riscossione), once paid. */
  readonly iur: string | null;
  /** DropPay's universal link to the form (the owner approves a second-factor disposition there). */
  readonly sharingUrl: string | null;
  readonly presentedPayer: NoticePayer | null;
  readonly nodePayer: NoticePayer | null;
  readonly source: FormSource | null;
}

/** What creating a form needs: the notice's codes and, when known, the QR text and the webhook listener. */
export interface CreateFormInput {
  /** 18 digits. */
  readonly noticeNumber: string;
  /** The payee's 11 digits. */
  readonly fiscalCode: string;
  /** The QR text (`PAGOPA|002|…`), when the notice was scanned: the node checks its amount. */
  readonly qrText?: string | null;
  readonly description?: string | null;
  readonly presentedPayer?: Partial<NoticePayer> | null;
  /** The paying account (an IBAN or account id); default: the token's own account. */
  readonly sourceAccount?: string | null;
  /** `https://user:secret@host/path`: where DropPay posts the form on each status change. */
  readonly webhookUrl?: string | null;
}

/** The statuses a PATCH may ask for. */
export type PatchableStatus = "DRAFT" | "READY" | "BOOKED";

/** A change to a form: its status, its scheduled date (null clears it) or its description. */
export interface FormPatch {
  readonly status?: PatchableStatus;
  /** "YYYY-MM-DD", or null to clear the date. */
  readonly scheduledDate?: string | null;
  readonly description?: string;
}
