import { findDueDate } from "../../family/due-date.ts";
import { italianDay } from "../../i18n/format.ts";
import type { EngineContext } from "../context.ts";
import type { ChatRef } from "../events.ts";
import { openNoticeKey } from "../ids.ts";
import { transition } from "../payment-machine.ts";
import { startReminders } from "./reminders.ts";

/** Where a notice's printed due date is read from: a picture (OCR, slow) or a PDF's text layer. */
export type DueDateSource = { readonly image: Uint8Array } | { readonly text: string };

/**
 * After a household notice's card is shown: its printed due date — read by OCR from a photo, or found in a PDF's
 * text — goes on the card ("letta dall'avviso") and sets the reminders, unless the notice already has one
 * (DropPay's, or a person's). Runs in the background; a slow or failed read changes nothing.
 */
export async function readDueDate(ctx: EngineContext, chat: ChatRef, rptId: string, source: DueDateSource) {
  if (ctx.family === undefined) return;
  const today = italianDay(ctx.clock.now());
  const found =
    "text" in source
      ? findDueDate(source.text, "read", today)
      : ((await ctx.dueDates?.read(source.image, today)) ?? null);
  if (found === null || found.date < today) return;
  const paymentId = (await ctx.store.openNotices.get(openNoticeKey(chat, rptId)))?.paymentId;
  const p = paymentId === undefined ? undefined : await ctx.store.payments.get(paymentId);
  if (p?.family === undefined || p.phase === "closed" || p.family.dueDate || p.form?.dueDate) return;
  const set = await transition(ctx, p.id, (cur) =>
    cur.family === undefined || cur.phase === "closed" || cur.family.dueDate || cur.form?.dueDate
      ? undefined
      : { ...cur, family: { ...cur.family, dueDate: { date: found.date, givenBy: "", read: true } } },
  );
  if (set.applied) await startReminders(ctx, set.value, found.date);
}
