import { familyMessagesFor } from "../../family/i18n.ts";
import { addDays, formatDay, italianDay, parseDay } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import { type EngineContext, paymentLocale, say } from "../context.ts";
import { errorText } from "../error-to-view.ts";
import type { EventAck, Sender } from "../events.ts";
import { PspError } from "../gateway-port.ts";
import { chatKey } from "../ids.ts";
import { transition } from "../payment-machine.ts";
import { figuresOf, isFinal, sameFigures } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { upsert } from "../upsert.ts";
import { applyForm } from "./apply-status.ts";
import { carryOn, refusePress } from "./confirm-payment.ts";
import { openPayment } from "./open-payment.ts";

/** Undoes a short phase (cancelling, updating) that did not go through, showing the card's buttons again. */
async function revert(ctx: EngineContext, p: PaymentRecord, text: string): Promise<void> {
  await transition(ctx, p.id, (cur) =>
    cur.phase === "cancelling" || cur.phase === "updating"
      ? {
          ...cur,
          phase: cur.status === "SCHEDULED" ? "executing" : "open",
          // A Rifiuta that did not go through: the card asks for a decision again.
          ...(cur.family === undefined ? {} : { family: { ...cur.family, refusedBy: null } }),
        }
      : undefined,
  );
  await say(ctx, p.chat, text);
}

/** "Annulla": DELETE the form (from DRAFT, READY, BOOKED or SCHEDULED) and show the cancelled card. */
export async function pressCancel(ctx: EngineContext, paymentId: string, from: Sender): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || from.userId !== p.ownerId || p.phase === "closed") {
    return (await refusePress(ctx, p, from, null)) ?? {};
  }
  const m = messagesFor(await paymentLocale(ctx, p));
  const cancellable = p.phase === "open" || (p.phase === "executing" && p.status === "SCHEDULED");
  if (!cancellable)
    return p.phase === "executing" ? { toast: m.cannotCancel, alert: true } : { toast: m.toast.alreadyInProgress };
  // The cancel claim: one press of all that race moves the payment to cancelling; a Paga that won first stops it.
  const claim = await transition(ctx, paymentId, (cur) =>
    cur.phase === "open" || (cur.phase === "executing" && cur.status === "SCHEDULED")
      ? { ...cur, phase: "cancelling" }
      : undefined,
  );
  if (!claim.applied) return { toast: m.toast.alreadyInProgress };
  const claimed = claim.value;
  ctx.background("cancel", () => carryOn(ctx, claimed, () => cancelForm(ctx, claimed)));
  return { toast: m.toast.cancelling };
}

/**
 * "Rifiuta": a payer declines a household member's notice. The same claim as Annulla (one press of all that race
 * moves it), recording who declined; the form is deleted and the card says who.
 */
export async function pressRefuse(
  ctx: EngineContext,
  paymentId: string,
  cardVersion: number,
  from: Sender,
): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  const refused = await refusePress(ctx, p, from, cardVersion, { approving: true });
  if (refused !== null || p === undefined) return refused ?? {};
  const locale = await paymentLocale(ctx, p);
  const claim = await transition(ctx, paymentId, (cur) =>
    cur.phase === "open" && cur.cardVersion === cardVersion && cur.family?.route.kind === "approval"
      ? { ...cur, phase: "cancelling", family: { ...cur.family, refusedBy: { userId: from.userId, name: from.name } } }
      : undefined,
  );
  if (!claim.applied) return { toast: messagesFor(locale).toast.alreadyInProgress };
  const claimed = claim.value;
  ctx.background("refuse", () => carryOn(ctx, claimed, () => cancelForm(ctx, claimed)));
  // The card, queued with the claim, now reads "Rifiutato da …".
  return { toast: familyMessagesFor(locale).toast.refused, echoesCard: true };
}

/** DELETEs the form of a payment claimed for cancelling; also how recovery finishes an interrupted Annulla. */
export async function cancelForm(ctx: EngineContext, claimed: PaymentRecord): Promise<void> {
  const paymentId = claimed.id;
  const m = messagesFor(await paymentLocale(ctx, claimed));
  if (claimed.formId === null) return;
  try {
    const form = await ctx.gateway.deleteForm(claimed.payer, claimed.formId);
    const after = await applyForm(ctx, paymentId, form);
    if (after?.phase === "cancelling") await revert(ctx, after, m.errors.pspGeneric);
  } catch (error) {
    // 409: the form moved on (it started running): read it and say so.
    const form =
      error instanceof PspError && error.is(409)
        ? await ctx.gateway.getForm(claimed.payer, claimed.formId).catch(() => undefined)
        : undefined;
    if (form !== undefined && (isFinal(form.status) || form.status === "RUNNING" || form.status === "PROMISED")) {
      await applyForm(ctx, paymentId, form);
      if (!isFinal(form.status)) await revert(ctx, claimed, m.cannotCancel);
      return;
    }
    await revert(ctx, claimed, errorText(error, m));
  }
}

/** "Prenota": PATCH the form to BOOKED, so the amount is reserved on the account until it is paid. */
export async function pressBook(
  ctx: EngineContext,
  paymentId: string,
  cardVersion: number,
  from: Sender,
): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  const refused = await refusePress(ctx, p, from, cardVersion);
  if (refused !== null || p === undefined || p.formId === null) return refused ?? {};
  const m = messagesFor(await paymentLocale(ctx, p));
  const claim = await transition(ctx, paymentId, (cur) =>
    cur.phase === "open" && cur.cardVersion === cardVersion ? { ...cur, phase: "updating" } : undefined,
  );
  if (!claim.applied) return { toast: m.toast.alreadyInProgress };
  const formId = p.formId;
  ctx.background("book", () =>
    carryOn(ctx, claim.value, async () => {
      try {
        const form = await ctx.gateway.updateForm(p.payer, formId, { status: "BOOKED" });
        await transition(ctx, paymentId, (cur) =>
          cur.phase === "updating"
            ? {
                ...cur,
                phase: "open",
                booked: true,
                form,
                status: form.status,
                shown: figuresOf(form),
                note: sameFigures(cur.shown, figuresOf(form)) ? null : m.card.amountDiffers,
              }
            : undefined,
        );
      } catch (error) {
        await revert(ctx, claim.value, errorText(error, m));
      }
    }),
  );
  return { toast: m.toast.booking };
}

/** "Programma": ask for the day; the answer (answerScheduleDate) puts it on the card's Paga button. */
export async function pressSchedule(
  ctx: EngineContext,
  paymentId: string,
  cardVersion: number,
  from: Sender,
): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  const refused = await refusePress(ctx, p, from, cardVersion);
  if (refused !== null || p === undefined) return refused ?? {};
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  await upsert(ctx.store.chats, chatKey(p.chat), { awaiting: null, recent: [] }, (c) => ({
    ...c,
    awaiting: { kind: "schedule_date" as const, userId: from.userId, paymentId },
  }));
  const example = formatDay(addDays(italianDay(ctx.clock.now()), 7), locale);
  await say(ctx, p.chat, m.askDate(example));
  return {};
}

/** The day typed after "Programma": tomorrow at the earliest, a year ahead at the latest. */
export async function answerScheduleDate(
  ctx: EngineContext,
  paymentId: string,
  text: string,
  from: Sender,
): Promise<void> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined) return;
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  const today = italianDay(ctx.clock.now());
  const day = parseDay(text, today);
  const example = formatDay(addDays(today, 7), locale);
  if (day === undefined) return say(ctx, p.chat, m.dateInvalid(example));
  if (day <= today) return say(ctx, p.chat, m.datePast);
  if (day > addDays(today, 365)) return say(ctx, p.chat, m.dateTooLate);
  await ctx.store.chats.update(chatKey(p.chat), (c) => ({ ...c, awaiting: null }));
  const set = await transition(ctx, paymentId, (cur) =>
    cur.phase === "open" && cur.ownerId === from.userId ? { ...cur, scheduledDate: day } : undefined,
  );
  if (!set.applied) return;
  await say(ctx, p.chat, m.dateChosen(formatDay(day, locale)));
}

/** "Riprova" on a FAILED payment: a new form for the same notice, on a new card. */
export async function pressRetry(ctx: EngineContext, paymentId: string, from: Sender): Promise<EventAck> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined) return (await refusePress(ctx, p, from, null)) ?? {};
  const m = messagesFor(await paymentLocale(ctx, p));
  if (from.userId !== p.ownerId) return { toast: m.toast.notAllowed(p.ownerName), alert: true };
  if (p.status !== "FAILED") return { toast: m.toast.expired };
  const locale = await paymentLocale(ctx, p);
  ctx.background("retry", () => openPayment(ctx, { chat: p.chat, from, locale, notice: p.notice }));
  return { toast: m.preparing };
}
