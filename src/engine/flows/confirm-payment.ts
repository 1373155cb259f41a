import { formatMoney } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import { type EngineContext, paymentLocale, say } from "../context.ts";
import { errorText } from "../error-to-view.ts";
import type { EventAck, Sender } from "../events.ts";
import { type PaymentForm, PspError } from "../gateway-port.ts";
import { figuresOf, sameFigures } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { applyForm } from "./apply-status.ts";
import { showCard } from "./show-card.ts";

/** Why a press on a payment's button is refused, as the toast the presser sees; null when it may go on. */
export async function refusePress(
  ctx: EngineContext,
  p: PaymentRecord | undefined,
  from: Sender,
  cardVersion: number | null,
): Promise<EventAck | null> {
  if (p === undefined) return { toast: messagesFor(ctx.defaultLocale).toast.expired };
  const m = messagesFor(await paymentLocale(ctx, p));
  // Only the person whose account pays may decide (payments.md R11: check who presses, not just what).
  if (from.userId !== p.ownerId) return { toast: m.toast.notAllowed(p.ownerName), alert: true };
  if (p.phase === "closed") return { toast: m.toast.closed };
  if (p.phase !== "open") return { toast: m.toast.alreadyInProgress };
  if (cardVersion !== null && cardVersion !== p.cardVersion) return { toast: m.toast.stale, alert: true };
  return null;
}

/**
 * "Paga": the presser must be the owner and the card current; then one atomic claim (open → confirming) lets
 * exactly one press through, however many presses, people or replicas race. The card loses its buttons at
 * once; the rest runs after the toast.
 */
export async function pressPay(
  ctx: EngineContext,
  paymentId: string,
  cardVersion: number,
  from: Sender,
): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  const refused = await refusePress(ctx, p, from, cardVersion);
  if (refused !== null || p === undefined) return refused ?? {};
  const m = messagesFor(await paymentLocale(ctx, p));
  const now = ctx.clock.now();
  const claim = await ctx.store.payments.update(paymentId, (cur) =>
    cur.phase === "open" && cur.cardVersion === cardVersion && cur.ownerId === from.userId
      ? { ...cur, phase: "confirming", confirmedBy: from.userId, confirmedAt: now, note: null, updatedAt: now }
      : undefined,
  );
  if (!claim.applied)
    return (await refusePress(ctx, claim.value, from, cardVersion)) ?? { toast: m.toast.alreadyInProgress };
  const claimed = claim.value;
  ctx.background("confirm", async () => {
    await showCard(ctx, claimed);
    await continueConfirm(ctx, paymentId);
  });
  return { toast: m.toast.inProgress };
}

/** Back to the card with its buttons, with a message saying why (nothing was executed). */
async function reopen(ctx: EngineContext, p: PaymentRecord, text: string, form?: PaymentForm): Promise<void> {
  const reopened = await ctx.store.payments.update(p.id, (cur) =>
    cur.phase === "confirming" || cur.phase === "executing"
      ? {
          ...cur,
          phase: "open",
          ...(form === undefined ? {} : { form, status: form.status, shown: figuresOf(form) }),
          confirmedBy: null,
          cardVersion: cur.cardVersion + 1,
          note: form === undefined ? null : text,
          updatedAt: ctx.clock.now(),
        }
      : undefined,
  );
  if (!reopened.applied) return;
  await showCard(ctx, reopened.value);
  await say(ctx, p.chat, text);
}

/**
 * After the claim: re-read the form, and ask again if the amount or fee changed since the card was shown
 * (payments.md R7); commit it (PATCH READY, or keep BOOKED, with the chosen date); move to executing with a
 * compare-and-set, and only then send the one disposition (R8). Also the path a recovery takes.
 */
export async function continueConfirm(ctx: EngineContext, paymentId: string): Promise<void> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.phase !== "confirming" || p.formId === null) return;
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  const askAgain = (form: PaymentForm) =>
    reopen(ctx, p, m.amountChanged(formatMoney(figuresOf(form).totalCents, locale)), form);
  let form: PaymentForm;
  try {
    form = await ctx.gateway.getForm(p.payer, p.formId);
  } catch (error) {
    await reopen(ctx, p, errorText(error, m));
    return;
  }
  if (!["DRAFT", "READY", "BOOKED"].includes(form.status)) {
    await applyForm(ctx, paymentId, form);
    return;
  }
  if (!sameFigures(p.shown, figuresOf(form))) return askAgain(form);
  const target = p.booked ? "BOOKED" : "READY";
  if (form.status !== target || (form.scheduledDate ?? null) !== p.scheduledDate) {
    try {
      form = await ctx.gateway.updateForm(p.payer, p.formId, { status: target, scheduledDate: p.scheduledDate });
    } catch (error) {
      if (error instanceof PspError && error.is(409, "313")) {
        const fresh = await ctx.gateway.getForm(p.payer, p.formId).catch(() => undefined);
        if (fresh !== undefined) return askAgain(fresh);
      }
      await reopen(ctx, p, errorText(error, m));
      return;
    }
    if (!sameFigures(p.shown, figuresOf(form))) return askAgain(form);
  }
  const committed = form;
  const now = ctx.clock.now();
  const claim = await ctx.store.payments.update(paymentId, (cur) =>
    cur.phase === "confirming"
      ? {
          ...cur,
          phase: "executing",
          form: committed,
          status: committed.status,
          executedAt: now,
          executePosts: cur.executePosts + 1,
          updatedAt: now,
        }
      : undefined,
  );
  if (claim.applied) await execute(ctx, claim.value);
}

/**
 * Sends the disposition. A refusal (4xx) means nothing moved: back to the card. No answer, or a 5xx, means the
 * outcome is unknown: never re-sent here; the form is read, and the reconciler follows it (payments.md R8).
 */
export async function execute(ctx: EngineContext, p: PaymentRecord): Promise<void> {
  if (p.formId === null) return;
  const m = messagesFor(await paymentLocale(ctx, p));
  try {
    const { form, outcome } = await ctx.gateway.executeForm(p.payer, p.formId);
    if (outcome !== "unconfirmed") {
      // DropPay has it (even if it waits for the owner's approval): recovery must never send it again.
      await ctx.store.payments.update(p.id, (cur) =>
        cur.executeAnswered ? undefined : { ...cur, executeAnswered: true },
      );
    }
    const latest = await applyForm(ctx, p.id, form);
    if (outcome !== "accepted" && latest?.phase === "executing") {
      // Still READY/BOOKED: the owner must approve it in the DropPay app, or the answer was lost; the card says
      // so and the reconciler (or the webhook) follows it.
      await showCard(ctx, latest);
    }
    return;
  } catch (error) {
    const refused =
      error instanceof PspError && error.code === "psp_refused" && (error.details.httpStatus ?? 500) < 500;
    if (refused && !error.is(409)) {
      await reopen(ctx, p, errorText(error, m));
      return;
    }
    // 409 ("read the state, then decide") or an unknown outcome: read the form.
    const form = await ctx.gateway.getForm(p.payer, p.formId).catch(() => undefined);
    if (form !== undefined && !["DRAFT", "READY", "BOOKED"].includes(form.status)) {
      await applyForm(ctx, p.id, form);
      return;
    }
    if (refused) {
      await reopen(ctx, p, errorText(error, m));
      return;
    }
    ctx.logger.warn("disposition outcome unknown; the reconciler follows it", { paymentId: p.id, error });
  }
}
