import { mayApprove } from "../../family/household.ts";
import { familyMessagesFor } from "../../family/i18n.ts";
import { formatMoney } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import { type EngineContext, paymentLocale, say } from "../context.ts";
import { errorText } from "../error-to-view.ts";
import type { EventAck, Sender } from "../events.ts";
import { type PaymentForm, PspError } from "../gateway-port.ts";
import { flowLease } from "../lease.ts";
import { transition } from "../payment-machine.ts";
import { figuresOf, sameFigures } from "../payment-status.ts";
import type { PaymentRecord } from "../records.ts";
import { paymentLogger } from "../request-log.ts";
import { applyForm } from "./apply-status.ts";

/** Who may decide, and how a press is refused otherwise (null when the presser may). */
async function refuseWho(
  ctx: EngineContext,
  p: PaymentRecord,
  from: Sender,
  approving: boolean,
  locale: Locale,
): Promise<EventAck | null> {
  const m = messagesFor(locale);
  // Only the person whose account pays may decide (payments.md R11: check who presses, not just what).
  if (!approving) return from.userId === p.ownerId ? null : { toast: m.toast.notAllowed(p.ownerName), alert: true };
  // Approva/Rifiuta: only a payer of the household, as it stands now (a member pressing is told who can).
  const f = familyMessagesFor(locale);
  const household = ctx.family === undefined ? undefined : await ctx.family.households.get(p.chat);
  if (p.family === undefined || household === undefined) return { toast: m.toast.stale, alert: true };
  const may = mayApprove(household, from.userId, p.ownerId);
  if (may.ok) return null;
  if (may.error.code === "own_request") return { toast: f.toast.ownRequest, alert: true };
  return { toast: f.toast.onlyPayersApprove(household.payers.map((x) => x.name)), alert: true };
}

/**
 * Why a press on a payment's button is refused, as the toast the presser sees; null when it may go on.
 * `approving`: the press is a payer's Approva or Rifiuta on a household member's card.
 */
export async function refusePress(
  ctx: EngineContext,
  p: PaymentRecord | undefined,
  from: Sender,
  cardVersion: number | null,
  options: { readonly approving?: boolean } = {},
): Promise<EventAck | null> {
  if (p === undefined) return { toast: messagesFor(ctx.defaultLocale).toast.expired };
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  const who = await refuseWho(ctx, p, from, options.approving === true, locale);
  if (who !== null) return who;
  if (p.phase === "closed") return { toast: m.toast.closed };
  if (p.phase !== "open") return { toast: m.toast.alreadyInProgress };
  if (cardVersion !== null && cardVersion !== p.cardVersion) return { toast: m.toast.stale, alert: true };
  return null;
}

/**
 * A household member's own Paga under their cap: holds the card's total on their month (src/family/caps.ts), one
 * compare-and-set, so two notices at once cannot both slip under it. Over the cap, the card turns into an
 * approval for a payer and the member is told why. Null when the hold is taken (or none is needed).
 */
async function holdCap(ctx: EngineContext, p: PaymentRecord, from: Sender): Promise<EventAck | null> {
  if (ctx.family === undefined || p.family?.route.kind !== "alone" || p.shown === null) return null;
  const held = await ctx.family.caps.reserve({
    householdId: p.family.householdId,
    memberId: from.userId,
    paymentId: p.id,
    amountCents: p.shown.totalCents,
  });
  if (held.ok) return null;
  const household = await ctx.family.households.get(p.chat);
  const approvers = household?.payers ?? [p.family.route.payer];
  await transition(ctx, p.id, (cur) =>
    cur.phase === "open" && cur.family?.route.kind === "alone"
      ? {
          ...cur,
          family: {
            ...cur.family,
            route: { kind: "approval", payer: cur.family.route.payer, approvers, reason: "over_cap" },
          },
        }
      : undefined,
  );
  const locale = await paymentLocale(ctx, p);
  return {
    toast: familyMessagesFor(locale).toast.capExceeded(
      formatMoney(held.error.remainingCents, locale),
      approvers.map((x) => x.name),
    ),
    alert: true,
  };
}

/**
 * "Paga" (and a payer's "Approva e paga"): the presser must be the owner (or a payer approving) and the card
 * current; then one atomic claim (open → confirming) lets exactly one press through, however many presses,
 * people or replicas race. The card loses its buttons at once (the claim's card version is queued with it); the
 * rest runs after the toast, under the payment's flow lease, so that a process that dies meanwhile is taken
 * over within seconds.
 */
export async function pressPay(
  ctx: EngineContext,
  paymentId: string,
  cardVersion: number,
  from: Sender,
  options: { readonly approving?: boolean } = {},
): Promise<EventAck> {
  const approving = options.approving === true;
  const p = await ctx.store.payments.get(paymentId);
  const refused = await refusePress(ctx, p, from, cardVersion, { approving });
  if (refused !== null || p === undefined) return refused ?? {};
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  const holding = !approving && p.family?.route.kind === "alone";
  if (holding) {
    const over = await holdCap(ctx, p, from);
    if (over !== null) return over;
  }
  const now = ctx.clock.now();
  const claim = await transition(ctx, paymentId, (cur) => {
    if (cur.phase !== "open" || cur.cardVersion !== cardVersion) return undefined;
    const allowed = approving ? cur.family?.route.kind === "approval" : cur.ownerId === from.userId;
    if (!allowed) return undefined;
    const family =
      cur.family === undefined
        ? {}
        : {
            family: {
              ...cur.family,
              ...(approving ? { approvedBy: { userId: from.userId, name: from.name } } : {}),
              ...(holding ? { reserved: true } : {}),
            },
          };
    return { ...cur, phase: "confirming", confirmedBy: from.userId, confirmedAt: now, note: null, ...family };
  });
  if (!claim.applied) {
    // Nobody claimed it (a stale press): the hold goes back. A claim that won keeps the one hold both share.
    if (holding && claim.value?.phase === "open") await ctx.family?.caps.release(paymentId);
    return (
      (await refusePress(ctx, claim.value, from, cardVersion, { approving })) ?? { toast: m.toast.alreadyInProgress }
    );
  }
  const claimed = claim.value;
  ctx.background("confirm", () => carryOn(ctx, claimed, () => continueConfirm(ctx, paymentId)));
  // The card, queued with the claim, now reads "In corso…" (and "Approvato da …" when approving).
  return { toast: approving ? familyMessagesFor(locale).toast.approved : m.toast.inProgress, echoesCard: true };
}

/** How long a claimed flow waits for its payment's flow lease before leaving the payment to recovery. */
const FLOW_LEASE_TRIES = 60;
const FLOW_LEASE_RETRY_MS = 100;

/**
 * Runs the rest of a claimed flow under the payment's flow lease (renewed while it runs), so that recovery
 * takes it over only if this process dies. The lease may be held a moment longer by the flow before (the form's
 * creation, whose card the person pressed as soon as it arrived) or by a recovery: the claim waits for it (a dead
 * holder's lapses within seconds), and then goes on only if the payment is still as its claim left it (a recovery
 * that held the lease has carried the flow on itself). Past the wait, recovery takes the payment over.
 */
export async function carryOn(ctx: EngineContext, claimed: PaymentRecord, work: () => Promise<void>): Promise<void> {
  const asClaimed = async () => {
    const now = await ctx.store.payments.get(claimed.id);
    return now?.phase === claimed.phase && now.cardVersion === claimed.cardVersion ? work() : undefined;
  };
  for (let attempt = 0; attempt < FLOW_LEASE_TRIES; attempt++) {
    const ran = await ctx.leases.under(flowLease(claimed.id), attempt === 0 ? work : asClaimed);
    if (ran !== undefined) return;
    await ctx.sleep(FLOW_LEASE_RETRY_MS);
  }
  ctx.logger.info("a claimed flow left to recovery: its lease stayed taken", { paymentId: claimed.id });
}

/** Back to the card with its buttons, with a message saying why (nothing was executed). */
async function reopen(ctx: EngineContext, p: PaymentRecord, text: string, form?: PaymentForm): Promise<void> {
  const reopened = await transition(ctx, p.id, (cur) =>
    cur.phase === "confirming" || cur.phase === "executing"
      ? {
          ...cur,
          phase: "open",
          ...(form === undefined ? {} : { form, status: form.status, shown: figuresOf(form) }),
          confirmedBy: null,
          note: form === undefined ? null : text,
        }
      : undefined,
  );
  if (!reopened.applied) return;
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
  // The second claim (confirming → executing): only one flow, of all that may have read the form, sends it. The
  // card keeps saying "In corso…" until DropPay answers.
  const claim = await transition(
    ctx,
    paymentId,
    (cur) =>
      cur.phase === "confirming"
        ? {
            ...cur,
            phase: "executing",
            form: committed,
            status: committed.status,
            executedAt: now,
            executePosts: cur.executePosts + 1,
          }
        : undefined,
    { shown: false },
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
    paymentLogger(ctx, p).info("disposition sent", { formId: p.formId, outcome, status: form.status });
    // DropPay has it (even if it waits for the owner's approval): recovery must never send it again. Or the
    // answer was lost: a re-POST waits the full R8 delay. Either way the card says it is being checked.
    await transition(
      ctx,
      p.id,
      (cur) =>
        cur.phase !== "executing"
          ? undefined
          : outcome === "unconfirmed"
            ? { ...cur, executeLost: true }
            : { ...cur, executeAnswered: true },
      // Accepted: the form's new status is the card's next change. Otherwise the card says to approve it in the
      // DropPay app (or that the outcome is being checked).
      { shown: outcome !== "accepted" },
    );
    await applyForm(ctx, p.id, form);
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
    await transition(ctx, p.id, (cur) => (cur.phase === "executing" ? { ...cur, executeLost: true } : undefined), {
      shown: false,
    });
    ctx.logger.warn("disposition outcome unknown; the reconciler follows it", { paymentId: p.id, error });
  }
}
