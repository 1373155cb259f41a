import type { Cents } from "../../notice/money.ts";
import { describeNoticeNumber } from "../../notice/notice-number.ts";
import type { PagoPaForm } from "../form.ts";
import { formToWire, type WireForm } from "../schemas.ts";
import { romeDateTime } from "./dates.ts";
import type { FormRecord } from "./state.ts";
import { accountOf, availableCents, type SandboxWorld } from "./world.ts";

/** DropPay's PSP identifier, as in the reference's examples. */
const pspCode = "2384761938746";

/** A sandbox form as DropPay's API shows it: the paying account's live balance included. */
export function formView(world: SandboxWorld, form: FormRecord): PagoPaForm {
  const account = accountOf(world, form);
  const number = describeNoticeNumber(form.noticeNumber);
  const cents = (n: number) => n as Cents;
  return {
    id: form.id,
    status: form.status,
    description: form.description,
    createdAt: romeDateTime(form.createdAt),
    updatedAt: romeDateTime(form.updatedAt),
    scheduledDate: form.scheduledDate,
    settlementDate: form.settlementDate,
    amountCents: cents(form.noticeAmountCents),
    noticeAmountCents: cents(form.noticeAmountCents),
    feeCents: cents(form.feeCents),
    feeReason: "STANDARD",
    feeDescription: "Commissione standard",
    agioCents: cents(form.agioCents),
    totalCents: cents(form.noticeAmountCents + form.feeCents + form.agioCents),
    noticeNumber: form.noticeNumber,
    fiscalCode: form.fiscalCode,
    qrText: form.qrText,
    iuv: number.ok ? number.value.iuv : null,
    payeeName: form.payeeName,
    payeeLogoUrl: null,
    causale: form.causale,
    causaleType: form.causaleType,
    causaleData: form.causaleData,
    pspCode,
    iur: form.iur,
    sharingUrl: `${world.baseUrl}/u/10/${form.id}`,
    presentedPayer: form.presentedPayer,
    nodePayer: form.nodePayer,
    source: {
      id: account.id,
      account: account.id,
      accountIban: account.iban,
      accountClass: account.accountClass,
      username: account.username,
      balanceCents: cents(availableCents(account)),
      ownerName: account.ownerName,
      ownerLogoUrl: null,
    },
  };
}

/**
 * A form on the wire. As in the reference's examples, `codice_avviso` comes back with the "001" prefix, and the
 * DELETE and disposition answers carry `fee` as a bare number (`feeAsNumber`); every other answer, webhooks
 * included, carries the object.
 */
export function formWire(world: SandboxWorld, form: FormRecord, options: { feeAsNumber?: boolean } = {}): WireForm {
  return formToWire(formView(world, form), {
    webhookUrl: form.webhookUrl,
    feeAsNumber: options.feeAsNumber ?? false,
    noticeNumberPrefix: "001",
  });
}
