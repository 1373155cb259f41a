import type { EngineContext } from "../context.ts";
import { PspError } from "../gateway-port.ts";
import { catchUp } from "../payment-machine.ts";
import { isFinal } from "../payment-status.ts";
import { applyForm } from "./apply-status.ts";

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
export async function refreshPayment(ctx: EngineContext, paymentId: string): Promise<RefreshOutcome> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined) return "settled";
  if (p.phase === "closed") {
    await catchUp(ctx, paymentId);
    return "settled";
  }
  if (p.phase === "awaiting_link") return "settled"; // the link flow shows it once the account is linked
  // A webhook before the create answer (R3): the create call saves the form id; look again shortly.
  if (p.formId === null) return "wait";
  let form: Awaited<ReturnType<typeof ctx.gateway.getForm>>;
  try {
    form = await ctx.gateway.getForm(p.payer, p.formId);
  } catch (error) {
    ctx.logger.warn("could not re-read a form", { paymentId, code: error instanceof PspError ? error.code : "error" });
    return "open";
  }
  const after = await applyForm(ctx, paymentId, form);
  if (after === undefined || isFinal(after.status) || after.phase === "closed") return "settled";
  return after.phase === "open" ? "idle" : "open";
}
