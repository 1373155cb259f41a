import { formatDay, formatMoment, formatMoney } from "../../i18n/format.ts";
import { type Messages, messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import { type EngineContext, paymentLocale } from "../context.ts";
import type { PaymentForm, PspStatus } from "../gateway-port.ts";
import { openNoticeKey } from "../ids.ts";
import { ANNOUNCED_STATUSES, figuresOf, isFinal, isForward, phaseAfter } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { upsert } from "../upsert.ts";
import { showCard } from "./show-card.ts";

/** The short message that goes with a status, besides the card's edit. */
function announcement(p: PaymentRecord, form: PaymentForm, status: PspStatus, m: Messages, locale: Locale): string {
  const payee = form.payeeName ?? m.unknownPayee;
  const total = formatMoney(figuresOf(form).totalCents, locale);
  switch (status) {
    case "SCHEDULED":
      return m.scheduled(total, formatDay(form.scheduledDate ?? p.scheduledDate ?? "", locale));
    case "PROMISED":
      return m.promised(total, payee);
    case "PAID": {
      const when = form.lastModified ?? form.settlementDate;
      const date = when === null ? "" : when.length > 10 ? formatMoment(when, locale) : formatDay(when, locale);
      return m.paid(total, payee, form.iur ?? "—", date);
    }
    case "FAILED":
      return form.failureReason === null ? m.failedNoReason(payee) : m.failed(payee, form.failureReason);
    case "ABORTED":
      return m.aborted(payee);
    default:
      return m.cancelled(payee);
  }
}

/**
 * Applies a form read from the PSP (never a webhook's body) to a payment: only forward moves (payments.md R2),
 * so duplicates, replays and stale reads change nothing. The compare-and-set that records a status also records
 * that it was announced, so each status gets its card edit and its message once, in the order applied, however
 * many webhooks, reconciler runs or replicas race. Resolves to the payment as stored afterwards.
 */
export function applyForm(
  ctx: EngineContext,
  paymentId: string,
  form: PaymentForm,
): Promise<PaymentRecord | undefined> {
  // One at a time per payment in this process, so that the card edits and messages of two statuses applied by two
  // flows (the disposition's answer and a webhook) are queued in the order the statuses were recorded.
  return ctx.exclusive(`payment:${paymentId}`, () => applyFormNow(ctx, paymentId, form));
}

async function applyFormNow(
  ctx: EngineContext,
  paymentId: string,
  form: PaymentForm,
): Promise<PaymentRecord | undefined> {
  let announce: PspStatus | null = null;
  const result = await ctx.store.payments.update(paymentId, (cur) => {
    announce = null;
    if (cur.formId !== form.id || !isForward(cur.status, form.status)) return undefined;
    const isNew = ANNOUNCED_STATUSES.includes(form.status) && !cur.announced.includes(form.status);
    if (isNew) announce = form.status;
    return {
      ...cur,
      status: form.status,
      form,
      phase: phaseAfter(form.status, cur.phase),
      announced: isNew ? [...cur.announced, form.status] : cur.announced,
      cardVersion: cur.cardVersion + 1,
      note: null,
      updatedAt: ctx.clock.now(),
    };
  });
  if (!result.applied) {
    if (result.value !== undefined && result.value.status !== form.status) {
      ctx.logger.debug("ignored a status that is not a forward move", {
        paymentId,
        from: result.value.status,
        to: form.status,
      });
    }
    return result.value;
  }
  const payment = result.value;
  await showCard(ctx, payment);
  const status = announce as PspStatus | null;
  if (status !== null) {
    const locale = await paymentLocale(ctx, payment);
    const text = announcement(payment, form, status, messagesFor(locale), locale);
    // A fixed id: even if this status were applied twice, the outbox stores (and sends) its message once.
    await ctx.outbox.send({ id: `status:${paymentId}:${status}`, chat: payment.chat, view: { type: "text", text } });
  }
  if (isFinal(form.status)) await settle(ctx, payment);
  return payment;
}

/** A payment is over: its notice may be sent again in the chat, and the reconciler forgets it. */
export async function settle(ctx: EngineContext, payment: PaymentRecord): Promise<void> {
  await ctx.store.openNotices.deleteIf(
    openNoticeKey(payment.chat, payment.notice.rptId),
    (v) => v.paymentId === payment.id,
  );
  await ctx.store.schedule.delete(`payment:${payment.id}`);
}

/**
 * Puts a payment on the reconciler's list (re-read with backoff until final: payments.md R6). An earlier due
 * time already set (a webhook that came before the create answer asked for a read soon) is kept.
 */
export async function watch(ctx: EngineContext, paymentId: string, inMs: number): Promise<void> {
  const now = ctx.clock.now();
  const entry = { kind: "payment" as const, id: paymentId, dueAt: now + inMs, attempt: 0, since: now };
  await upsert(ctx.store.schedule, `payment:${paymentId}`, entry, (e) => ({
    ...e,
    dueAt: Math.min(e.dueAt, now + inMs),
  }));
}
