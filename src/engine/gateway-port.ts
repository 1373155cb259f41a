import { PagobotError } from "../errors.ts";
import type { Cents } from "../notice/money.ts";

/**
 * The payment provider as the engine sees it (DropPay in production, its sandbox in the embedded mode). The
 * composition root adapts the DropPay client to this port; the engine never sees a token, a connection code or
 * a wire name.
 */

/** Every status a form can have, as the PSP reports it (droppay-api.md, "Statuses"). */
export const PSP_STATUSES = [
  "DRAFT",
  "READY",
  "BOOKED",
  "SCHEDULED",
  "RUNNING",
  "PROMISED",
  "PAID",
  "FAILED",
  "DELETED",
  "CANCELLED",
  "ABORTED",
] as const;

/** A form's status as the PSP reports it. */
export type PspStatus = (typeof PSP_STATUSES)[number];

/** Whose account pays: a person's linked DropPay account, or (embedded sandbox only) their funded demo account. */
export interface PayerRef {
  readonly kind: "linked" | "demo";
  /** The person (`platform:userId`) whose credentials the gateway holds. */
  readonly personKey: string;
}

/** The paying account as shown on the card. */
export interface PayingAccount {
  readonly ownerName: string | null;
  readonly iban: string | null;
  readonly balanceCents: Cents | null;
}

/** A payment form, mapped from the PSP's wire format; money in cents. Total = amount + fee + agio. */
export interface PaymentForm {
  readonly id: string;
  readonly status: PspStatus;
  /** The 18-digit notice number (the PSP echoes it with a prefix; the adapter keeps the last 18 digits). */
  readonly noticeNumber: string;
  readonly fiscalCode: string;
  readonly payeeName: string | null;
  readonly description: string | null;
  /** The amount due now, from the pagoPA node's data. */
  readonly amountCents: Cents;
  readonly feeCents: Cents;
  readonly agioCents: Cents;
  /** Due date (YYYY-MM-DD) when the PSP reports one. */
  readonly dueDate: string | null;
  readonly scheduledDate: string | null;
  readonly settlementDate: string | null;
  /** When the form last changed (ISO 8601). */
  readonly lastModified: string | null;
  /** identificativo_unico_riscossione: the receipt's id, present once paid. */
  readonly iur: string | null;
  /** Why a FAILED form failed, when the PSP says. */
  readonly failureReason: string | null;
  readonly account: PayingAccount;
  /** Whether this account may reserve the amount (BOOKED) or pay on a date (SCHEDULED). */
  readonly canBook: boolean;
  readonly canSchedule: boolean;
}

export interface CreateFormInput {
  readonly noticeNumber: string;
  readonly fiscalCode: string;
  /** The QR text (`codice_avviso_2d`), when a QR was read: the PSP then checks the amount against it. */
  readonly qrText: string | null;
  /** The listener URL with this form's credentials in its userinfo. */
  readonly webhookUrl: string;
}

/** What a disposition led to, and the form as it then stood. */
export interface Disposition {
  readonly form: PaymentForm;
  readonly outcome: "accepted" | "awaiting_approval" | "unconfirmed";
}

/** A Connection (the person's consent) as started for `/collega`. */
export interface LinkStart {
  readonly requestId: string;
  /** The sharing link the person opens to grant access (DropPay app, or the sandbox page). */
  readonly url: string;
}

export type LinkState =
  | { readonly state: "pending" }
  | { readonly state: "refused" }
  | { readonly state: "granted"; readonly accountName: string | null };

export interface PaymentGateway {
  /** True when unlinked people may pay from a funded demo account (the embedded sandbox only). */
  readonly demoAccounts: boolean;
  createForm(payer: PayerRef, input: CreateFormInput): Promise<PaymentForm>;
  getForm(payer: PayerRef, formId: string): Promise<PaymentForm>;
  /** PATCH: status READY, BOOKED or back to DRAFT, optionally with a scheduled date (YYYY-MM-DD). */
  updateForm(
    payer: PayerRef,
    formId: string,
    change: { status: "READY" | "BOOKED" | "DRAFT"; scheduledDate?: string | null },
  ): Promise<PaymentForm>;
  deleteForm(payer: PayerRef, formId: string): Promise<PaymentForm>;
  /**
   * Executes a READY or BOOKED form, once: after a lost answer the form is read instead of posting again.
   * `awaiting_approval`: DropPay answered but the owner must approve it in the DropPay app (second factor);
   * `unconfirmed`: the answer was lost and the form still shows READY/BOOKED.
   */
  executeForm(payer: PayerRef, formId: string): Promise<Disposition>;
  /** Starts DropPay's Connection flow for a person; the listener URL receives its changes. */
  startLink(personKey: string, webhookUrl: string): Promise<LinkStart>;
  /** Reads a Connection; when granted, the gateway keeps the person's credential (encrypted) from then on. */
  checkLink(personKey: string, requestId: string): Promise<LinkState>;
  /**
   * Forgets a person's credential (at once, on every replica), then revokes the Connection at DropPay; a
   * revocation DropPay refuses throws PspError `psp_revoke_refused` (the credential is forgotten all the same).
   */
  unlink(personKey: string): Promise<void>;
}

/** Why a PSP call failed; `code` says which of the three ways (answered with an error, no answer, bad reply). */
export type PspErrorCode =
  | "psp_refused"
  | "psp_unreachable"
  | "psp_bad_reply"
  | "psp_not_linked"
  | "psp_revoke_refused";

/**
 * A PSP call that failed. `psp_refused` carries the HTTP status and DropPay's code (droppay-api.md error table;
 * both undefined when the answer had no body); `psp_unreachable` means no answer at all (timeout, reset), so the
 * outcome of a money-moving call is unknown; `psp_not_linked` means the person has no usable credential;
 * `psp_revoke_refused` means /scollega forgot the credential here but DropPay did not revoke the Connection (it
 * answered 404, 405 or 5xx, or nothing), so the person must revoke it in the DropPay app.
 */
export class PspError extends PagobotError<PspErrorCode> {
  constructor(
    code: PspErrorCode,
    message: string,
    readonly details: { readonly httpStatus?: number; readonly pspCode?: string; readonly description?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }

  /** True for an answer with this HTTP status and (when given) this DropPay code. */
  is(httpStatus: number, pspCode?: string): boolean {
    return (
      this.code === "psp_refused" &&
      this.details.httpStatus === httpStatus &&
      (pspCode === undefined || this.details.pspCode === pspCode)
    );
  }
}
