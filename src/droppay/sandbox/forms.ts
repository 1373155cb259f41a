import { rptIdOf } from "../../notice/notice.ts";
import { type CreateFormInput, type FormPatch, isFinalStatus } from "../form.ts";
import { presentNotice, verifyWithNode } from "./node.ts";
import { nodePayerFor } from "./payees.ts";
import type { AccountRecord, FormRecord } from "./state.ts";
import { accountOf, availableCents, failures, formTotalCents, type SandboxWorld } from "./world.ts";

// Creating, committing (READY/BOOKED), un-committing (DRAFT) and deleting forms, with the balance rules of
// droppay-api.md: READY checks the available balance, BOOKED reserves the total, DRAFT frees it.

/** The fee the sandbox charges: 1,00 € up to 150,00 €, 1,50 € above ("a small fee"). */
export function sandboxFeeCents(noticeAmountCents: number): number {
  return noticeAmountCents <= 15_000 ? 100 : 150;
}

/** Agio is due only to business accounts (the reference: "valued only if a commission is due"). */
export function sandboxAgioCents(account: AccountRecord): number {
  return account.accountClass === "BUSINESS" ? 70 : 0;
}

/** Creates a DRAFT from a notice the node knows; 409/314 when this account already has it open, 409/311 when it is being paid. */
export function createForm(world: SandboxWorld, account: AccountRecord, input: CreateFormInput): FormRecord {
  if (input.sourceAccount && input.sourceAccount !== account.id && input.sourceAccount !== account.iban) {
    throw failures.accessDenied();
  }
  const presented = presentNotice(world, {
    noticeNumber: input.noticeNumber,
    fiscalCode: input.fiscalCode,
    qrText: input.qrText ?? null,
  });
  for (const other of Object.values(world.state.forms)) {
    if (isFinalStatus(other.status) || rptIdOf(other.fiscalCode, other.noticeNumber) !== presented.rptId) continue;
    if (other.status === "SCHEDULED" || other.status === "RUNNING" || other.status === "PROMISED") {
      throw failures.duplicated();
    }
    if (other.accountId === account.id) throw failures.alreadyPresented(other.id);
  }
  const now = world.now();
  const presentedPayer = input.presentedPayer
    ? {
        name: input.presentedPayer.name ?? null,
        address: input.presentedPayer.address ?? null,
        postalCode: input.presentedPayer.postalCode ?? null,
        city: input.presentedPayer.city ?? null,
        fiscalCode: input.presentedPayer.fiscalCode ?? null,
      }
    : null;
  const form: FormRecord = {
    id: world.random.id("PPA", 9),
    accountId: account.id,
    status: "DRAFT",
    description: input.description ?? null,
    createdAt: now,
    updatedAt: now,
    scheduledDate: null,
    settlementDate: null,
    noticeNumber: input.noticeNumber,
    fiscalCode: input.fiscalCode,
    qrText: input.qrText ?? null,
    noticeAmountCents: presented.notice.amountCents,
    feeCents: sandboxFeeCents(presented.notice.amountCents),
    agioCents: sandboxAgioCents(account),
    payeeName: presented.notice.payeeName,
    causale: presented.notice.causale,
    causaleType: presented.notice.causaleType,
    causaleData: presented.notice.causaleData,
    presentedPayer,
    nodePayer: nodePayerFor(presented.rptId, presentedPayer),
    iur: null,
    webhookUrl: input.webhookUrl ?? null,
    behaviour: presented.behaviour,
    reservedCents: 0,
    chargedCents: 0,
    approval: "none",
  };
  world.state.forms[form.id] = form;
  world.formChanged(form, true);
  return form;
}

/** Holds a form's total on its account. */
export function reserve(world: SandboxWorld, form: FormRecord): void {
  const total = formTotalCents(form);
  accountOf(world, form).reservedCents += total - form.reservedCents;
  form.reservedCents = total;
}

/** Frees what a form holds. */
export function release(world: SandboxWorld, form: FormRecord): void {
  accountOf(world, form).reservedCents -= form.reservedCents;
  form.reservedCents = 0;
}

/** Applies a PATCH: status DRAFT/READY/BOOKED, `date_scheduled`, `description`. The same status again changes nothing. */
export function patchForm(world: SandboxWorld, form: FormRecord, patch: FormPatch): void {
  // The reference: a form may be modified "until it is set with second factor disposition protocol".
  if (form.approval === "pending") throw failures.statusViolation();
  if (form.status !== "DRAFT" && form.status !== "READY" && form.status !== "BOOKED") throw failures.statusViolation();
  if (patch.scheduledDate && patch.scheduledDate < world.today()) {
    throw failures.missingArguments("date_scheduled is in the past");
  }
  const target = patch.status;
  if (target !== undefined && target !== form.status && target !== "DRAFT") {
    verifyWithNode(world, form);
    // What the account could spend if this form held nothing.
    if (availableCents(accountOf(world, form)) + form.reservedCents < formTotalCents(form)) {
      throw failures.insufficientBalance();
    }
  }
  const statusChanged = target !== undefined && target !== form.status;
  if (statusChanged) {
    if (target === "BOOKED") reserve(world, form);
    else release(world, form);
    form.status = target;
  }
  if (patch.scheduledDate !== undefined) form.scheduledDate = patch.scheduledDate;
  if (patch.description !== undefined) form.description = patch.description;
  form.updatedAt = world.now();
  world.formChanged(form, statusChanged);
}

/**
 * Deletes a form. The status list of the reference decides the outcome: DELETED from DRAFT, READY or BOOKED,
 * CANCELLED from SCHEDULED, ABORTED (money back) from RUNNING. Final and PROMISED forms answer 409/310.
 */
export function deleteForm(world: SandboxWorld, form: FormRecord): void {
  form.approval = "none";
  switch (form.status) {
    case "DRAFT":
    case "READY":
    case "BOOKED":
      release(world, form);
      form.status = "DELETED";
      break;
    case "SCHEDULED":
      release(world, form);
      form.status = "CANCELLED";
      break;
    case "RUNNING":
      accountOf(world, form).balanceCents += form.chargedCents;
      form.chargedCents = 0;
      form.status = "ABORTED";
      break;
    default:
      throw failures.statusViolation();
  }
  form.updatedAt = world.now();
  world.formChanged(form, true);
}
