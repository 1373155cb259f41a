import { familyMessagesFor } from "../family/i18n.ts";
import { formatDay, formatMoment, formatMoney } from "../i18n/format.ts";
import { type Messages, messagesFor } from "../i18n/t.ts";
import type { Cents, Locale } from "../notice/money.ts";
import { formatNoticeNumber } from "../notice/notice-number.ts";
import { type EngineContext, makeButton } from "./context.ts";
import type { PaymentForm } from "./gateway-port.ts";
import { figuresOf } from "./payment-status.ts";
import type { ButtonRecord, PaymentRecord } from "./records.ts";
import type { Button, ButtonRows, CardField, CardTone, View } from "./views.ts";

/** A button the card wants, before it gets its stored ref. */
interface ButtonSpec {
  readonly action: "pay" | "cancel" | "book" | "schedule" | "retry" | "approve" | "refuse" | "remind" | "dont_remind";
  readonly label: string;
  readonly style?: "primary" | "danger";
}

/** The card's status line and tone, from where the payment stands. */
function statusOf(p: PaymentRecord, m: Messages, locale: Locale): { line: string; tone: CardTone } {
  switch (p.status) {
    case "PAID":
      return { line: m.card.statusPaid, tone: "success" };
    case "FAILED":
      return { line: m.card.statusFailed, tone: "failure" };
    case "CANCELLED":
    case "DELETED":
      return { line: m.card.statusCancelled, tone: "muted" };
    case "ABORTED":
      return { line: m.card.statusAborted, tone: "muted" };
    case "PROMISED":
      return { line: m.card.statusPromised, tone: "pending" };
    case "RUNNING":
      return { line: m.card.statusInProgress, tone: "pending" };
    case "SCHEDULED":
      return {
        line: m.card.statusScheduled(formatDay(p.form?.scheduledDate ?? p.scheduledDate ?? "", locale)),
        tone: "pending",
      };
    default:
      break;
  }
  switch (p.phase) {
    case "awaiting_link":
      return { line: m.card.statusAwaitingLink, tone: "neutral" };
    case "confirming":
    case "updating":
    case "cancelling":
      return { line: m.card.statusInProgress, tone: "pending" };
    case "executing":
      return { line: m.card.statusChecking, tone: "pending" };
    default:
      return { line: p.booked ? m.card.statusBooked : m.card.statusToConfirm, tone: "neutral" };
  }
}

/** "Maria Rossi · IT60…4567": enough to recognise the account, never the whole IBAN in a chat. */
function accountLabel(form: PaymentForm, demo: boolean, m: Messages): string {
  const iban = form.account.iban;
  const masked = iban === null || iban.length < 8 ? iban : `${iban.slice(0, 4)}…${iban.slice(-4)}`;
  // A demo account's owner name says nothing to the person; "Conto demo" does.
  const parts = [demo ? m.card.demoAccount : form.account.ownerName, masked].filter((x) => x !== null);
  return parts.join(" · ");
}

function fieldsOf(p: PaymentRecord, m: Messages, locale: Locale): CardField[] {
  const form = p.form;
  const fields: CardField[] = [];
  const add = (label: string, value: string | null | undefined) => {
    if (value !== null && value !== undefined && value !== "") fields.push({ label, value });
  };
  add(m.card.payee, form?.payeeName ?? p.notice.fiscalCode);
  add(m.card.description, form?.description);
  add(m.card.noticeNumber, formatNoticeNumber(p.notice.noticeNumber));
  if (form?.dueDate) add(m.card.dueDate, formatDay(form.dueDate, locale));
  else if (p.family?.dueDate) {
    const due = p.family.dueDate;
    const f = familyMessagesFor(locale).card;
    add(
      m.card.dueDate,
      due.read ? f.dueRead(formatDay(due.date, locale)) : f.dueGiven(formatDay(due.date, locale), due.givenBy),
    );
  }
  if (form === null) {
    if (p.notice.amountCents !== null) add(m.card.amount, formatMoney(p.notice.amountCents, locale));
    return fields;
  }
  const figures = figuresOf(form);
  const qrAmount = p.notice.amountCents;
  const differs = qrAmount !== null && qrAmount !== figures.amountCents;
  add(
    m.card.amount,
    differs
      ? `${formatMoney(figures.amountCents, locale)} (${m.card.amountOnNotice(formatMoney(qrAmount, locale))})`
      : formatMoney(figures.amountCents, locale),
  );
  add(m.card.fee, formatMoney(figures.feeCents, locale));
  if (figures.agioCents > 0) add(m.card.agio, formatMoney(figures.agioCents, locale));
  add(m.card.total, formatMoney(figures.totalCents, locale));
  add(m.card.account, accountLabel(form, p.payer.kind === "demo", m));
  if (p.phase === "open" && form.account.balanceCents !== null) {
    add(m.card.balance, formatMoney(form.account.balanceCents, locale));
  }
  const scheduled = form.scheduledDate ?? p.scheduledDate;
  if (scheduled && p.status !== "PAID") add(m.card.scheduledFor, formatDay(scheduled, locale));
  if (p.status === "PAID") {
    add(m.card.iur, form.iur);
    // When it was paid (the settlement date is when the payee is credited, later).
    const when = form.lastModified ?? form.settlementDate;
    if (when) add(m.card.paidOn, when.length > 10 ? formatMoment(when, locale) : formatDay(when, locale));
  }
  if (p.status === "FAILED") add(m.card.reason, form.failureReason);
  return fields;
}

function buttonSpecs(p: PaymentRecord, m: Messages, locale: Locale): ButtonSpec[][] {
  const form = p.form;
  if (p.status === "FAILED") return [[{ action: "retry", label: m.buttons.retry, style: "primary" }]];
  if (p.phase === "executing" && p.status === "SCHEDULED")
    return [[{ action: "cancel", label: m.buttons.cancel, style: "danger" }]];
  if (p.phase !== "open" || form === null) return [];
  const total = formatMoney(figuresOf(form).totalCents, locale);
  if (p.family?.route.kind === "approval") {
    // A member's notice waiting for a payer: only Approva e paga and Rifiuta (the press checks who presses).
    const f = familyMessagesFor(locale).buttons;
    return [
      [
        { action: "approve", label: f.approveAndPay(total), style: "primary" },
        { action: "refuse", label: f.refuse, style: "danger" },
      ],
      ...reminderRow(p, locale),
    ];
  }
  const pay: ButtonSpec = {
    action: "pay",
    label: p.scheduledDate ? m.buttons.payOn(total, formatDay(p.scheduledDate, locale)) : m.buttons.pay(total),
    style: "primary",
  };
  const rows: ButtonSpec[][] = [[pay, { action: "cancel", label: m.buttons.cancel, style: "danger" }]];
  const more: ButtonSpec[] = [];
  if (form.canBook && !p.booked && !p.scheduledDate) more.push({ action: "book", label: m.buttons.book });
  if (form.canSchedule && !p.booked) more.push({ action: "schedule", label: m.buttons.schedule });
  if (more.length > 0) rows.push(more);
  return [...rows, ...reminderRow(p, locale)];
}

/** A household's open card offers reminders: "Ricordamelo" until a due date is given, then "Non ricordarmelo". */
function reminderRow(p: PaymentRecord, locale: Locale): ButtonSpec[][] {
  if (p.family === undefined || p.phase !== "open") return [];
  const f = familyMessagesFor(locale).buttons;
  if (p.family.reminding === true) return [[{ action: "dont_remind", label: f.dontRemind }]];
  if (p.family.dueDate === undefined || p.family.dueDate === null) return [[{ action: "remind", label: f.remindMe }]];
  return [];
}

/** A household card's lines: whose account pays, who asked, and whose decision it waits for (or who decided). */
function familyLines(p: PaymentRecord, locale: Locale): string[] {
  const family = p.family;
  if (family === undefined) return [];
  const f = familyMessagesFor(locale).card;
  const { route } = family;
  const lines = [f.paysFrom(route.payer.name)];
  if (family.refusedBy !== null) return [...lines, f.askedBy(p.ownerName), f.refusedBy(family.refusedBy.name)];
  if (family.approvedBy !== null) return [...lines, f.askedBy(p.ownerName), f.approvedBy(family.approvedBy.name)];
  if (route.kind === "approval") {
    lines.push(f.askedBy(p.ownerName));
  } else if (route.kind === "alone") {
    if (p.phase === "open" && p.form !== null) {
      lines.push(f.underCap(formatMoney((route.remainingCents - figuresOf(p.form).totalCents) as Cents, locale)));
    }
    lines.push(f.askedBy(p.ownerName));
  }
  return lines;
}

/** The card a payment shows, with the given buttons (pure: the same record always renders the same card). */
export function renderCard(p: PaymentRecord, locale: Locale, buttons: ButtonRows): View {
  const m = messagesFor(locale);
  const status = statusOf(p, m, locale);
  // A member's card waiting for a payer says so where others say "press Paga" (it has no Paga).
  const waiting = p.family?.route.kind === "approval" && p.phase === "open" && p.status !== "FAILED";
  const line = waiting
    ? familyMessagesFor(locale).card.approvalNeeded(p.family?.route.approvers.map((x) => x.name) ?? [])
    : status.line;
  const { tone } = status;
  const lines = [line, ...familyLines(p, locale)];
  if (p.note) lines.push(p.note);
  const form = p.form;
  if (form !== null && p.phase === "open") {
    const total = figuresOf(form).totalCents;
    if (form.account.balanceCents !== null && form.account.balanceCents < total && !p.booked)
      lines.push(m.card.balanceLow);
    if (p.notice.amountCents !== null && p.notice.amountCents !== form.amountCents) lines.push(m.card.amountDiffers);
  }
  return {
    type: "card",
    title: m.card.title,
    lines,
    fields: fieldsOf(p, m, locale),
    ...(p.payer.kind === "demo" ? { footer: m.card.demoFooter } : {}),
    tone,
    buttons,
  };
}

/** The card with live buttons: each button gets a stored ref bound to this card version. */
export async function paymentCard(ctx: EngineContext, p: PaymentRecord, locale: Locale): Promise<View> {
  const m = messagesFor(locale);
  const rows: Button[][] = [];
  for (const row of buttonSpecs(p, m, locale)) {
    const buttons: Button[] = [];
    for (const spec of row) {
      const record: ButtonRecord = { action: spec.action, paymentId: p.id, cardVersion: p.cardVersion };
      buttons.push(await makeButton(ctx, record, spec.label, spec.style));
    }
    rows.push(buttons);
  }
  return renderCard(p, locale, rows);
}
