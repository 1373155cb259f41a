import { messagesFor } from "../../i18n/t.ts";
import { type EngineContext, paymentLocale } from "../context.ts";
import { flowLease } from "../lease.ts";
import { catchUp, rests, transition } from "../payment-machine.ts";
import type { PaymentRecord } from "../records.ts";
import { applyForm } from "./apply-status.ts";
import { continueConfirm, execute } from "./confirm-payment.ts";
import { cancelForm } from "./manage-payment.ts";
import { createForm } from "./open-payment.ts";

/**
 * Recovery of one payment in flight (store.inflight), run by the reconciler every second. It takes the payment's
 * flow lease, which only a dead (or stopped) holder lets go of, so a live flow is never doubled and a dead one
 * is taken over within seconds (the lease outlives its last renewal by 5 s). Then:
 * - the chat is brought in line with the record: a card edit or an announcement a kill lost is queued, under its
 *   fixed delivery id (never doubled);
 * - a flow left half done goes on from its phase, the one table of what each phase's recovery is:
 *   creating → create the form (a DRAFT made before the kill is adopted through 409/314, never doubled);
 *   confirming → carry the confirmation out if it is recent, else show the card again to ask;
 *   updating → back to the card (the Prenota can be pressed again);
 *   cancelling → the DELETE again (safe to repeat);
 *   executing, disposition unanswered → read the form; still untouched after the sender died (or, for a live
 *   sender's lost answer, after the R8 delay): the disposition once more, under the executing claim.
 * Resolves to false when another holder has the lease (the flow is alive).
 */
export async function recoverPayment(ctx: EngineContext, paymentId: string): Promise<boolean> {
  const ran = await ctx.leases.under(flowLease(paymentId), async () => {
    const p = await catchUp(ctx, paymentId);
    if (p === undefined || rests(p)) return;
    await resumePhase(ctx, p);
    await catchUp(ctx, paymentId);
  });
  return ran !== undefined;
}

async function resumePhase(ctx: EngineContext, p: PaymentRecord): Promise<void> {
  const now = ctx.clock.now();
  switch (p.phase) {
    case "creating":
      await createForm(ctx, p.id);
      return;
    case "confirming":
      if (now - (p.confirmedAt ?? 0) <= ctx.timing.confirmationTtlMs) {
        await continueConfirm(ctx, p.id);
        return;
      }
      {
        // Too old to act on a press nobody saw through: show the card again and let the person decide.
        const m = messagesFor(await paymentLocale(ctx, p));
        await transition(ctx, p.id, (cur) =>
          cur.phase === "confirming"
            ? { ...cur, phase: "open", confirmedBy: null, note: m.card.statusToConfirm }
            : undefined,
        );
      }
      return;
    case "updating":
      await transition(ctx, p.id, (cur) => (cur.phase === "updating" ? { ...cur, phase: "open" } : undefined));
      return;
    case "cancelling":
      await cancelForm(ctx, p);
      return;
    case "executing":
      await resumeDisposition(ctx, p);
      return;
    default:
      return;
  }
}

/** A disposition whose sending flow stopped before DropPay's answer was recorded (payments.md R8). */
async function resumeDisposition(ctx: EngineContext, p: PaymentRecord): Promise<void> {
  if (p.formId === null) return;
  const now = ctx.clock.now();
  // A POST a live process saw time out may still be processed: the full R8 delay. A dead sender's POST ended
  // with it (the client gives up after 10 s): a short grace.
  const wait = p.executeLost ? ctx.timing.reExecuteAfterMs : ctx.timing.deadSenderGraceMs;
  if (now - (p.executedAt ?? 0) < wait) return; // too early to tell: the next pass looks again
  let form: Awaited<ReturnType<typeof ctx.gateway.getForm>>;
  try {
    form = await ctx.gateway.getForm(p.payer, p.formId);
  } catch {
    return;
  }
  if (!(form.status === "DRAFT" || form.status === "READY" || form.status === "BOOKED")) {
    await applyForm(ctx, p.id, form);
    return;
  }
  // Still untouched: it never reached DropPay. Once more, under a claim on the number of POSTs (never a third).
  const claim = await transition(
    ctx,
    p.id,
    (cur) =>
      cur.phase === "executing" && !cur.executeAnswered && cur.executePosts === p.executePosts && cur.executePosts < 2
        ? { ...cur, executePosts: cur.executePosts + 1, executedAt: now, executeLost: false }
        : undefined,
    { shown: false },
  );
  if (!claim.applied) return;
  ctx.logger.warn("disposition sent again after no effect", { paymentId: p.id, posts: claim.value.executePosts });
  await execute(ctx, claim.value);
}
