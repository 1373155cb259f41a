import { paymentCard } from "../card.ts";
import { type EngineContext, paymentLocale } from "../context.ts";
import type { PaymentRecord } from "../records.ts";

/** Shows a payment's card in its slot (editing the message there), or as a new message with `fresh`. */
export async function showCard(ctx: EngineContext, payment: PaymentRecord, options: { fresh?: boolean } = {}) {
  const locale = await paymentLocale(ctx, payment);
  const view = await paymentCard(ctx, payment, locale);
  await ctx.outbox.send({
    chat: payment.chat,
    view,
    slot: payment.cardSlot,
    fresh: options.fresh ?? false,
    version: payment.cardVersion,
  });
}
