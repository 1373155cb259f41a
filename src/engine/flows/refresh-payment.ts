import { messagesFor } from "../../i18n/t.ts";
import { type EngineContext, paymentLocale } from "../context.ts";
import { type PaymentForm, PspError } from "../gateway-port.ts";
import { catchUp, transition } from "../payment-machine.ts";
import { isFinal } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { paymentLogger } from "../request-log.ts";
import { applyForm } from "./apply-status.ts";
import { carryOn } from "./confirm-payment.ts";

/**
 * What a re-read found: nothing more to follow; still moving (read again later); waiting for the person (read
 * again later, but a card nobody pays is not a stuck payment); or too early (read again soon).
 */
export type RefreshOutcome = "settled" | "open" | "idle" | "wait";

/** Who asked for the re-read: a webhook, the reconciler's schedule, or its pass at start-up. */
export type RefreshTrigger = "webhook" | "reconcile" | "startup";

/**
 * Re-reads a payment's form from the PSP and applies what it shows (a webhook is only a prompt to read:
 * payments.md R5). Only reads: a flow a dead process left half done is recovery's (recover-payment.ts). A
 * closed payment is brought in line with its record (its card and announcement queued if a kill lost them)
 * before it is forgotten.
 */
export async function refreshPayment(
  ctx: EngineContext,
  paymentId: string,
  trigger?: RefreshTrigger,
): Promise<RefreshOutcome> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined) return "settled";
  if (trigger !== undefined) paymentLogger(ctx, p).info("form re-read", { trigger, phase: p.phase });
  if (p.phase === "closed") {
    await catchUp(ctx, paymentId);
    return "settled";
  }
  if (p.phase === "awaiting_link") return "settled"; // the link flow shows it once the account is linked
  // A webhook before the create answer (R3): the create call saves the form id; look again shortly.
  if (p.formId === null) return "wait";
  // The owner's language, read while the form is: what the form shows is announced in it (one store round trip
  // with the read of the PSP's token, not one more after the form).
  const locale = paymentLocale(ctx, p);
  locale.catch(() => {});
  let form: Awaited<ReturnType<typeof ctx.gateway.getForm>>;
  try {
    form = await ctx.gateway.getForm(p.payer, p.formId);
  } catch (error) {
    ctx.logger.warn("could not re-read a form", { paymentId, code: error instanceof PspError ? error.code : "error" });
    return "open";
  }
  const after = await applyForm(ctx, paymentId, form, locale);
  if (after === undefined || isFinal(after.status) || after.phase === "closed") return "settled";
  if (after.phase === "open" && ctx.clock.now() - after.createdAt >= ctx.timing.staleCardMs) {
    await closeStale(ctx, after);
    const closed = await ctx.store.payments.get(paymentId);
    return closed === undefined || closed.phase === "closed" ? "settled" : "idle";
  }
  return after.phase === "open" ? "idle" : "open";
}

/**
 * A card nobody paid for STALE_CARD_DAYS: the same claim as Annulla (a Paga pressed at that moment wins or
 * loses it cleanly), the form deleted at DropPay, and the card closed with a line saying why and how to send
 * the notice again. A DELETE refused because the form moved on leaves it to the usual reads.
 */
async function closeStale(ctx: EngineContext, p: PaymentRecord): Promise<void> {
  const claim = await transition(ctx, p.id, (cur) =>
    cur.phase === "open" && cur.cardVersion === p.cardVersion ? { ...cur, phase: "cancelling" } : undefined,
  );
  if (!claim.applied || p.formId === null) return;
  const formId = p.formId;
  const m = messagesFor(await paymentLocale(ctx, p));
  const days = Math.round(ctx.timing.staleCardMs / (24 * 60 * 60_000));
  await carryOn(ctx, claim.value, async () => {
    let form: PaymentForm | undefined;
    try {
      form = await ctx.gateway.deleteForm(p.payer, formId);
    } catch (error) {
      ctx.logger.warn("could not delete a stale form", { paymentId: p.id, error });
      form = await ctx.gateway.getForm(p.payer, formId).catch(() => undefined);
    }
    const deleted = form !== undefined && (form.status === "DELETED" || form.status === "CANCELLED") ? form : null;
    await transition(ctx, p.id, (cur) =>
      cur.phase !== "cancelling"
        ? undefined
        : deleted !== null
          ? {
              ...cur,
              phase: "closed",
              status: deleted.status,
              form: deleted,
              closedReason: "stale",
              note: m.card.staleClosed(days),
            }
          : { ...cur, phase: "open" },
    );
  });
}
