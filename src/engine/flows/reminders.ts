import { findDueDate } from "../../family/due-date.ts";
import { familyMessagesFor } from "../../family/i18n.ts";
import type { Reminder } from "../../family/store.ts";
import { formatDay, formatMoney, italianDay } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import { paymentCard } from "../card.ts";
import { type EngineContext, makeButton, paymentLocale, say } from "../context.ts";
import type { EventAck, Sender } from "../events.ts";
import { chatKey } from "../ids.ts";
import { transition } from "../payment-machine.ts";
import { figuresOf } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { upsert } from "../upsert.ts";

/**
 * Due dates and reminders of a household's notices: "Ricordamelo" asks when it is due; the answer sets the
 * reminders at D-7, D-1 and on the day (src/family/reminders.ts: stored, claimed, sent once across restarts and
 * replicas); "Non ricordarmelo" stops them. Reminders go through the outbox under fixed ids, with the card's
 * buttons.
 */

/** "Ricordamelo": asks the presser for the due date (their next message in the chat answers it). */
export async function pressRemind(ctx: EngineContext, paymentId: string, from: Sender): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.family === undefined || p.phase === "closed") {
    return { toast: messagesFor(ctx.defaultLocale).toast.closed };
  }
  const locale = await paymentLocale(ctx, p);
  await upsert(ctx.store.chats, chatKey(p.chat), { awaiting: null, recent: [] }, (c) => ({
    ...c,
    awaiting: { kind: "due_date" as const, userId: from.userId, paymentId },
  }));
  await say(ctx, p.chat, familyMessagesFor(locale).dueDate.ask);
  return {};
}

/** The answer to "entro quando va pagato?": the day, on the card and in the reminders. */
export async function answerDueDate(ctx: EngineContext, paymentId: string, text: string, from: Sender): Promise<void> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.family === undefined || ctx.family === undefined) return;
  const locale = await paymentLocale(ctx, p);
  const f = familyMessagesFor(locale);
  const today = italianDay(ctx.clock.now());
  const found = findDueDate(text, "given", today);
  if (found === null) return say(ctx, p.chat, f.dueDate.notUnderstood);
  if (found.date < today) return say(ctx, p.chat, f.dueDate.past(formatDay(found.date, locale)));
  await ctx.store.chats.update(chatKey(p.chat), (c) => ({ ...c, awaiting: null }));
  await ctx.family.reminders.schedule({
    householdId: p.family.householdId,
    rptId: p.notice.rptId,
    paymentId,
    dueDate: found.date,
  });
  await transition(ctx, paymentId, (cur) =>
    cur.family === undefined || cur.phase === "closed"
      ? undefined
      : { ...cur, family: { ...cur.family, dueDate: { date: found.date, givenBy: from.name }, reminding: true } },
  );
  await say(ctx, p.chat, f.dueDate.set(formatDay(found.date, locale)));
}

/**
 * A due date is on a household payment (typed with the notice, or read from it): its reminders are scheduled, then
 * the payment says so (its card offers "Non ricordarmelo").
 */
export async function startReminders(ctx: EngineContext, p: PaymentRecord, dueDate: string): Promise<void> {
  if (ctx.family === undefined || p.family === undefined) return;
  await ctx.family.reminders.schedule({
    householdId: p.family.householdId,
    rptId: p.notice.rptId,
    paymentId: p.id,
    dueDate,
  });
  await transition(ctx, p.id, (cur) =>
    cur.family === undefined || cur.family.reminding === true || cur.phase === "closed"
      ? undefined
      : { ...cur, family: { ...cur.family, reminding: true } },
  );
}

/** "Non ricordarmelo": the notice's reminders not yet sent are cancelled. Anyone in the group may press it. */
export async function pressDontRemind(ctx: EngineContext, paymentId: string): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.family === undefined || ctx.family === undefined) {
    return { toast: messagesFor(ctx.defaultLocale).toast.expired };
  }
  const locale = await paymentLocale(ctx, p);
  await ctx.family.reminders.cancel(p.family.householdId, p.notice.rptId, ctx.clock.now());
  await transition(ctx, paymentId, (cur) =>
    cur.family?.reminding === true && cur.phase !== "closed"
      ? { ...cur, family: { ...cur.family, reminding: false } }
      : undefined,
  );
  return { toast: familyMessagesFor(locale).reminder.stopped };
}

/** The fixed delivery id of a reminder: sent once however many replicas or passes fire it. */
export const reminderDeliveryId = (reminder: Reminder) => `reminder:${reminder.id}`;

/** Sends one due reminder in the chat with the card's buttons and "Non ricordarmelo"; a closed notice needs none. */
async function sendReminder(ctx: EngineContext, reminder: Reminder): Promise<"sent" | "skipped"> {
  const p = await ctx.store.payments.get(reminder.paymentId);
  if (p === undefined || p.phase === "closed" || p.form === null) return "skipped";
  const locale = await paymentLocale(ctx, p);
  const f = familyMessagesFor(locale);
  const payee = p.form.payeeName ?? p.notice.fiscalCode;
  const text = f.reminder.text(
    reminder.kind,
    payee,
    formatMoney(figuresOf(p.form).totalCents, locale),
    formatDay(reminder.dueDate, locale),
  );
  // The card's own buttons (they act on its current version), with "Non ricordarmelo" when the card has none.
  const rows = [...((await paymentCard(ctx, p, locale)).buttons ?? [])];
  if (!rows.flat().some((b) => b.label === f.buttons.dontRemind)) {
    const record = { action: "dont_remind" as const, paymentId: p.id, cardVersion: p.cardVersion };
    rows.push([await makeButton(ctx, record, f.buttons.dontRemind)]);
  }
  await ctx.outbox.send({
    id: reminderDeliveryId(reminder),
    chat: p.chat,
    view: { type: "text", text, buttons: rows },
    threadOf: p.cardSlot,
  });
  return "sent";
}

/** Sends every reminder due now, each once (the reconciler's tick, or a test with its clock, calls it). */
export async function fireReminders(ctx: EngineContext): Promise<number> {
  if (ctx.family === undefined) return 0;
  const sent = await ctx.family.reminders.fireDue(ctx.clock.now(), (reminder) => sendReminder(ctx, reminder));
  return sent.length;
}
