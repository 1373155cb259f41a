import type { Locale } from "../../notice/money.ts";
import type { EngineContext } from "../context.ts";
import type { PaymentForm } from "../gateway-port.ts";
import { transition } from "../payment-machine.ts";
import { ANNOUNCED_STATUSES, isForward, phaseAfter } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { paymentLogger } from "../request-log.ts";
import { upsert } from "../upsert.ts";

/**
 * Applies a form read from the PSP (never a webhook's body) to a payment: only forward moves (payments.md R2),
 * so duplicates, replays, stale reads and late answers change nothing. The compare-and-set that records a status
 * also records that it is to be announced; the transition queues the card edit and the message under fixed ids,
 * so each status is shown once, in the order applied, however many webhooks, reconciler runs or replicas race.
 * Resolves to the payment as stored afterwards. `locale`: the owner's language, when the caller read it already.
 */
export async function applyForm(
  ctx: EngineContext,
  paymentId: string,
  form: PaymentForm,
  locale?: Promise<Locale>,
): Promise<PaymentRecord | undefined> {
  const options = locale === undefined ? {} : { locale };
  const result = await transition(
    ctx,
    paymentId,
    (cur) => {
      if (cur.formId !== form.id || !isForward(cur.status, form.status)) return undefined;
      const isNew = ANNOUNCED_STATUSES.includes(form.status) && !cur.announced.includes(form.status);
      return {
        ...cur,
        status: form.status,
        form,
        phase: phaseAfter(form.status, cur.phase),
        announced: isNew ? [...cur.announced, form.status] : cur.announced,
        note: null,
      };
    },
    options,
  );
  if (result.applied) paymentLogger(ctx, result.value).info("status applied", { status: form.status });
  if (!result.applied && result.value !== undefined && result.value.status !== form.status) {
    ctx.logger.debug("ignored a status that is not a forward move", {
      paymentId,
      from: result.value.status,
      to: form.status,
    });
  }
  return result.value;
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
