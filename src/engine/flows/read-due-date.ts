import { italianDay } from "../../i18n/format.ts";
import type { EngineContext } from "../context.ts";
import type { ChatRef } from "../events.ts";
import { openNoticeKey } from "../ids.ts";
import { transition } from "../payment-machine.ts";

/**
 * After a household photo's card is shown: its printed due date, read by OCR, goes on the card ("letta
 * dall'avviso") and sets the reminders, unless the notice already has one (DropPay's, or a person's). Runs in
 * the background; a slow or failed read changes nothing.
 */
export async function readDueDate(ctx: EngineContext, chat: ChatRef, rptId: string, image: Uint8Array) {
  const reader = ctx.dueDates;
  const family = ctx.family;
  if (reader === undefined || family === undefined) return;
  const today = italianDay(ctx.clock.now());
  const found = await reader.read(image, today);
  if (found === null || found.date < today) return;
  const paymentId = (await ctx.store.openNotices.get(openNoticeKey(chat, rptId)))?.paymentId;
  const p = paymentId === undefined ? undefined : await ctx.store.payments.get(paymentId);
  if (p?.family === undefined || p.phase === "closed" || p.family.dueDate || p.form?.dueDate) return;
  const set = await transition(ctx, p.id, (cur) =>
    cur.family === undefined || cur.phase === "closed" || cur.family.dueDate || cur.form?.dueDate
      ? undefined
      : { ...cur, family: { ...cur.family, dueDate: { date: found.date, givenBy: "", read: true } } },
  );
  if (!set.applied) return;
  // As for a date typed with the notice (open-payment.ts): the reminders, then the card says they are set.
  await family.reminders.schedule({
    householdId: p.family.householdId,
    rptId: p.notice.rptId,
    paymentId: p.id,
    dueDate: found.date,
  });
  await transition(ctx, p.id, (cur) =>
    cur.family === undefined || cur.family.reminding === true || cur.phase === "closed"
      ? undefined
      : { ...cur, family: { ...cur.family, reminding: true } },
  );
}
