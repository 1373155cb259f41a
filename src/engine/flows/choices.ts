import { formatMoney } from "../../i18n/format.ts";
import { type Messages, messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import { formatNoticeNumber } from "../../notice/notice-number.ts";
import { type EngineContext, makeButton } from "../context.ts";
import type { ChatRef, EventAck, Sender } from "../events.ts";
import { newId } from "../ids.ts";
import type { NoticeRef } from "../records.ts";
import type { Button, View } from "../views.ts";
import { openPayment } from "./open-payment.ts";

/**
 * Labels for the options of one sheet, in printed order. Notices of one payee are instalments ("Rata 1",
 * "Rata 2"); the one whose amount is the sum of the others is the single payment ("Rata unica"). Notices of
 * different payees are just options.
 */
export function optionLabels(notices: readonly NoticeRef[], m: Messages, locale: Locale): string[] {
  const money = (n: NoticeRef) => (n.amountCents === null ? null : formatMoney(n.amountCents, locale));
  const samePayee = notices.every((n) => n.fiscalCode === notices[0]?.fiscalCode);
  if (!samePayee || notices.some((n) => n.amountCents === null)) {
    return notices.map((n, i) => {
      const amount = money(n);
      return amount === null
        ? m.optionNoAmount(i + 1, formatNoticeNumber(n.noticeNumber))
        : m.optionGeneric(i + 1, amount);
    });
  }
  const total = notices.reduce((sum, n) => sum + (n.amountCents ?? 0), 0);
  const single = notices.length > 2 ? notices.findIndex((n) => (n.amountCents ?? 0) * 2 === total) : -1;
  let instalment = 0;
  return notices.map((n, i) => {
    const amount = money(n) ?? "";
    return i === single ? m.optionSingle(amount) : m.optionInstalment(++instalment, amount);
  });
}

/** Several codes on one sheet: one button per option, each with its amount. */
export async function choiceView(
  ctx: EngineContext,
  chat: ChatRef,
  owner: Sender,
  notices: readonly NoticeRef[],
  locale: Locale,
): Promise<View> {
  const m = messagesFor(locale);
  const choiceId = newId();
  await ctx.store.choices.put(choiceId, { chat, ownerId: owner.userId, ownerName: owner.name, notices, locale });
  const labels = optionLabels(notices, m, locale);
  const rows: Button[][] = [];
  for (const [index, label] of labels.entries()) {
    rows.push([
      await makeButton(ctx, { action: "choose", choiceId, index }, label, index === 0 ? "primary" : undefined),
    ]);
  }
  return { type: "text", text: m.chooseOption, buttons: rows };
}

/** An option was picked: its card comes as a new message (the options stay, to pay another one later). */
export async function pressChoose(
  ctx: EngineContext,
  choiceId: string,
  index: number,
  from: Sender,
): Promise<EventAck> {
  const choice = await ctx.store.choices.get(choiceId);
  const notice = choice?.notices[index];
  if (choice === undefined || notice === undefined) return { toast: messagesFor(ctx.defaultLocale).toast.expired };
  const owner = await ctx.store.people.get(`${choice.chat.platform}:${choice.ownerId}`);
  const locale = owner?.locale ?? choice.locale;
  const m = messagesFor(locale);
  if (from.userId !== choice.ownerId) return { toast: m.toast.notAllowed(choice.ownerName), alert: true };
  ctx.background("choose", () => openPayment(ctx, { chat: choice.chat, from, locale, notice }));
  return { toast: m.chosen(optionLabels(choice.notices, m, locale)[index] ?? "") };
}
