import { familyMessagesFor } from "../../family/i18n.ts";
import { type HistoryItem, historyText, type PendingItem, pendingText } from "../../family/views.ts";
import { formatMoney, italianDay } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import type { Cents, Locale } from "../../notice/money.ts";
import { type EngineContext, makeButton, paymentLocale, say } from "../context.ts";
import type { ChatRef, EventAck } from "../events.ts";
import { chatKey } from "../ids.ts";
import { chatOverview, chatPayments, statusWord, totalOf } from "../read-api.ts";
import { receiptView } from "../receipt-view.ts";
import type { Button } from "../views.ts";
import { showCard } from "./show-card.ts";

/** How many open cards /lista shows again under its list (their buttons are the list's buttons). */
const CARDS_SHOWN = 5;

/**
 * /lista in a household: every open notice of the group (whoever posted it) with its amount, due date and who
 * posted it, from the read API (chatOverview: what each member's Slack Home lists too); then the open cards
 * again, newest last, so their buttons are at hand.
 */
export async function householdPending(ctx: EngineContext, chat: ChatRef, locale: Locale): Promise<void> {
  const { pending } = await chatOverview(ctx, chat, locale);
  const items: PendingItem[] = pending.map((item) => ({
    payee: item.payee,
    // A notice whose amount is not known yet (no form, no QR amount) shows 0,00 € until its card is there.
    totalCents: (item.totalCents ?? 0) as Cents,
    dueDate: item.dueDate,
    postedBy: item.postedBy,
  }));
  await say(ctx, chat, pendingText(items, locale));
  const withButtons = pending.filter((item) => item.actionable).slice(0, CARDS_SHOWN);
  for (const item of withButtons.reverse()) {
    const p = await ctx.store.payments.get(item.paymentId);
    if (p !== undefined) await showCard(ctx, p, { fresh: true });
  }
}

/** How many "Ricevuta" buttons /storico offers (the latest PAID payments). */
const RECEIPT_BUTTONS = 3;

/**
 * /storico in a household: each payment with who asked, who approved, its status and IUR, and a button to have
 * the receipt of each of the latest PAID ones again.
 */
export async function householdHistory(ctx: EngineContext, chat: ChatRef, locale: Locale): Promise<void> {
  const m = messagesFor(locale);
  const payments = (await chatPayments(ctx, chatKey(chat))).slice(0, 10);
  const items: HistoryItem[] = payments.map((p) => ({
    day: italianDay(p.createdAt),
    payee: p.form?.payeeName ?? p.notice.fiscalCode,
    totalCents: totalOf(p),
    status: statusWord(p, m),
    askedBy: p.ownerName,
    approvedBy: p.family?.approvedBy?.name ?? null,
    iur: p.status === "PAID" ? (p.form?.iur ?? null) : null,
  }));
  const f = familyMessagesFor(locale).history;
  const buttons: Button[][] = [];
  for (const p of payments.filter((x) => x.status === "PAID" && x.form?.iur).slice(0, RECEIPT_BUTTONS)) {
    const total = totalOf(p);
    const label = `${f.sendReceipt}: ${p.form?.payeeName ?? p.notice.fiscalCode}${total === null ? "" : `, ${formatMoney(total, locale)}`}`;
    buttons.push([await makeButton(ctx, { action: "receipt", paymentId: p.id, cardVersion: p.cardVersion }, label)]);
  }
  await ctx.outbox.send({ chat, view: { type: "text", text: historyText(items, locale), buttons } });
}

/** "Ricevuta" under /storico: the payment's PDF receipt, sent again. */
export async function pressReceipt(ctx: EngineContext, paymentId: string, ref: string): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  const view = p === undefined ? null : await receiptView(p, await paymentLocale(ctx, p));
  if (p === undefined || view === null) return { toast: messagesFor(ctx.defaultLocale).toast.expired };
  // One receipt per press (a redelivered press sends it once).
  await ctx.outbox.send({ id: `receipt:${paymentId}:${ref}`, chat: p.chat, view });
  return {};
}
