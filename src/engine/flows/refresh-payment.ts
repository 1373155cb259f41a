import { messagesFor } from "../../i18n/t.ts";
import { type EngineContext, paymentLocale } from "../context.ts";
import { PspError } from "../gateway-port.ts";
import { isFinal } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { applyForm } from "./apply-status.ts";
import { continueConfirm, execute } from "./confirm-payment.ts";
import { createForm } from "./open-payment.ts";
import { showCard } from "./show-card.ts";

/**
 * What a re-read found: nothing more to follow; still moving (read again later); waiting for the person (read
 * again later, but a card nobody pays is not a stuck payment); or too early (read again soon).
 */
export type RefreshOutcome = "settled" | "open" | "idle" | "wait";

/** Who asked for the re-read: a webhook (only reads) or the reconciler (also recovers interrupted flows). */
export type RefreshTrigger = "webhook" | "reconcile";

/**
 * Takes over a flow whose process stopped (a crash, a restart), exactly once: a compare-and-set on the
 * record's `updatedAt` lets a single replica's reconciler win it.
 */
async function takeOver(ctx: EngineContext, p: PaymentRecord): Promise<PaymentRecord | undefined> {
  if (ctx.clock.now() - p.updatedAt < ctx.timing.staleFlowMs) return undefined;
  const claim = await ctx.store.payments.update(p.id, (cur) =>
    cur.phase === p.phase && cur.updatedAt === p.updatedAt ? { ...cur, updatedAt: ctx.clock.now() } : undefined,
  );
  return claim.applied ? claim.value : undefined;
}

/**
 * Re-reads a payment's form from the PSP and applies what it shows (a webhook is only a prompt to read:
 * payments.md R5). The reconciler also recovers what a stopped process left half done (R6, R8):
 * - creating: the create is tried again (a duplicate is adopted through 409/314, never doubled);
 * - confirming: carried out if the confirmation is recent, otherwise the card asks again;
 * - executing with the form still READY/BOOKED long after the disposition: sent once more, under a claim.
 */
export async function refreshPayment(
  ctx: EngineContext,
  paymentId: string,
  trigger: RefreshTrigger,
): Promise<RefreshOutcome> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.phase === "closed") return "settled";
  if (p.phase === "awaiting_link") return "settled"; // the link flow shows it once the account is linked
  if (p.formId === null) {
    // A webhook before the create answer (R3): the create call saves the form id; look again shortly.
    if (trigger === "reconcile" && p.phase === "creating" && (await takeOver(ctx, p)) !== undefined) {
      await createForm(ctx, paymentId);
      const after = await ctx.store.payments.get(paymentId);
      return after === undefined || after.phase === "closed" ? "settled" : "open";
    }
    return "wait";
  }
  let form: Awaited<ReturnType<typeof ctx.gateway.getForm>>;
  try {
    form = await ctx.gateway.getForm(p.payer, p.formId);
  } catch (error) {
    ctx.logger.warn("could not re-read a form", { paymentId, code: error instanceof PspError ? error.code : "error" });
    return "open";
  }
  if (trigger === "reconcile") {
    const recovered = await recover(ctx, p, form.status);
    if (recovered) return "open";
  }
  const after = await applyForm(ctx, paymentId, form);
  if (after === undefined || isFinal(after.status) || after.phase === "closed") return "settled";
  return after.phase === "open" ? "idle" : "open";
}

async function recover(ctx: EngineContext, p: PaymentRecord, status: string): Promise<boolean> {
  const untouched = status === "DRAFT" || status === "READY" || status === "BOOKED";
  if (!untouched) return false;
  const now = ctx.clock.now();
  if (p.phase === "confirming") {
    const mine = await takeOver(ctx, p);
    if (mine === undefined) return false;
    if (now - (p.confirmedAt ?? 0) <= ctx.timing.confirmationTtlMs) {
      await continueConfirm(ctx, p.id);
    } else {
      // Too old to act on a press nobody saw through: show the card again and let the person decide.
      const locale = await paymentLocale(ctx, p);
      const reopened = await ctx.store.payments.update(p.id, (cur) =>
        cur.phase === "confirming"
          ? {
              ...cur,
              phase: "open",
              confirmedBy: null,
              cardVersion: cur.cardVersion + 1,
              note: messagesFor(locale).card.statusToConfirm,
              updatedAt: now,
            }
          : undefined,
      );
      if (reopened.applied) await showCard(ctx, reopened.value);
    }
    return true;
  }
  if (p.phase === "updating" || p.phase === "cancelling") {
    const mine = await takeOver(ctx, p);
    if (mine === undefined) return false;
    const reopened = await ctx.store.payments.update(p.id, (cur) =>
      cur.phase === p.phase ? { ...cur, phase: "open", cardVersion: cur.cardVersion + 1, updatedAt: now } : undefined,
    );
    if (reopened.applied) await showCard(ctx, reopened.value);
    return true;
  }
  const unanswered = p.phase === "executing" && !p.executeAnswered && p.executePosts < 2;
  if (unanswered && now - (p.executedAt ?? 0) >= ctx.timing.reExecuteAfterMs) {
    // Still untouched long after the disposition: it never reached DropPay. Send it once more, under a claim.
    const claim = await ctx.store.payments.update(p.id, (cur) =>
      cur.phase === "executing" && cur.executePosts === p.executePosts
        ? { ...cur, executePosts: cur.executePosts + 1, executedAt: now, updatedAt: now }
        : undefined,
    );
    if (claim.applied) {
      ctx.logger.warn("disposition sent again after no effect", { paymentId: p.id, posts: claim.value.executePosts });
      await execute(ctx, claim.value);
    }
    return true;
  }
  return false;
}
