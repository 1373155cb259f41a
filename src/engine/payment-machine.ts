import { householdPeople } from "../family/household.ts";
import { familyMessagesFor } from "../family/i18n.ts";
import { formatDay, formatMoment, formatMoney } from "../i18n/format.ts";
import { type Messages, messagesFor } from "../i18n/t.ts";
import type { Locale } from "../notice/money.ts";
import { paymentCard } from "./card.ts";
import { type EngineContext, paymentLocale } from "./context.ts";
import type { PaymentForm, PspStatus } from "./gateway-port.ts";
import { openNoticeKey } from "./ids.ts";
import type { NewDelivery } from "./outbox.ts";
import { figuresOf } from "./payment-status.ts";
import { receiptView } from "./receipt-view.ts";
import type { Delivery, DeliveryAbout, PaymentPhase, PaymentRecord } from "./records.ts";
import type { StoreStep, UpdateResult } from "./store-port.ts";

/**
 * A payment's state machine, in one place: its phases, the moves allowed between them, and what the chat shows
 * for each state. The record is the truth; the chat's messages are derived from it.
 *
 *   awaiting_link ──link granted──▶ creating ──form made──▶ open ──Paga──▶ confirming ──committed──▶ executing
 *        │                             │  ▲                  │ ▲ │             │                       │
 *        └────────────────▶ closed ◀───┘  └─ 401 ─ awaiting  │ │ └─Prenota─▶ updating ─▶ open           │
 *                            ▲                               │ └──amount changed, refusal─┘             │
 *                            │            Annulla ─▶ cancelling ─▶ closed (DELETED) / back             │
 *                            └────────────────── a final PSP status (PAID, FAILED, …) ◀─────────────────┘
 *
 * Every change goes through `transition`: it refuses a move the table does not allow, bumps the card's
 * version (the card of each version has a fixed delivery id), and marks the payment in flight in the same atomic
 * step as the write, so that whatever a kill interrupts — between the write and the queueing of its card edit and
 * announcement, or in the middle of a flow — the reconciler finds it and `project` queues what is missing.
 * The PSP's status moves forward only (payment-status.ts `isForward`); the phase moves by this table only.
 */
export const PHASE_MOVES: Readonly<Record<PaymentPhase, readonly PaymentPhase[]>> = {
  awaiting_link: ["creating", "closed"],
  creating: ["open", "awaiting_link", "closed"],
  open: ["open", "confirming", "updating", "cancelling", "executing", "closed"],
  updating: ["updating", "open", "executing", "closed"],
  confirming: ["confirming", "open", "executing", "closed"],
  executing: ["executing", "open", "cancelling", "closed"],
  cancelling: ["cancelling", "open", "executing", "closed"],
  closed: [],
};

/**
 * Back to the card after a Paga that did not go through (a refused disposition, the amount changed, a press too
 * old to act on): the next Paga is a new attempt with its own budget of disposition POSTs (payments.md R8: never
 * a third POST of one attempt). A count kept from the refused attempt would make the next one rest as soon as it
 * is claimed, and a kill before its POST would leave the card "In corso…" with nothing paid and nobody to take
 * it over. Safe to reset: every POST follows a read of the form that shows it still untouched.
 */
export function endsAttempt(from: PaymentPhase, to: PaymentPhase): boolean {
  return (from === "confirming" || from === "executing") && to === "open";
}

function newAttempt(p: PaymentRecord): PaymentRecord {
  // In a household the next attempt is decided afresh: a payer approves again, a member's Paga holds the cap again.
  const family = p.family === undefined ? {} : { family: { ...p.family, approvedBy: null, reserved: false } };
  return { ...p, executePosts: 0, executeAnswered: false, executeLost: false, executedAt: null, ...family };
}

/**
 * Whether a payment rests: nothing of ours is under way, only the person or the PSP can move it. A payment
 * that does not rest is one a process is working on; if that process dies, recovery takes it over.
 */
export function rests(p: PaymentRecord): boolean {
  switch (p.phase) {
    case "open":
    case "awaiting_link":
    case "closed":
      return true;
    case "executing":
      // The disposition was answered, or the form shows it reached DropPay, or it was sent twice already (never a
      // third time: the schedule's re-reads follow it): only the PSP moves it on now.
      return (
        p.executeAnswered ||
        p.executePosts >= 2 ||
        !(p.status === "DRAFT" || p.status === "READY" || p.status === "BOOKED")
      );
    default:
      return false;
  }
}

/** What of a record's views is in the outbox (records from before `queued` existed count as fully queued). */
function queuedOf(p: PaymentRecord): { cardVersion: number; announced: number } {
  return p.queued ?? { cardVersion: p.cardVersion, announced: p.announced.length };
}

/** Whether every view the record calls for is queued. */
export function projected(p: PaymentRecord): boolean {
  const q = queuedOf(p);
  return q.cardVersion >= p.cardVersion && q.announced >= p.announced.length;
}

/** The short message that goes with a status, besides the card's edit. */
export function announcement(
  p: PaymentRecord,
  form: PaymentForm,
  status: PspStatus,
  m: Messages,
  locale: Locale,
): string {
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
      return withAttribution(p, m.paid(total, payee, form.iur ?? "—", date), locale);
    }
    case "FAILED":
      return withAttribution(
        p,
        form.failureReason === null ? m.failedNoReason(payee) : m.failed(payee, form.failureReason),
        locale,
      );
    case "ABORTED":
      return m.aborted(payee);
    default: {
      const refusedBy = p.family?.refusedBy;
      return refusedBy ? familyMessagesFor(locale).refusedMessage(refusedBy.name, payee) : m.cancelled(payee);
    }
  }
}

/** In a household, PAID and FAILED say who asked and who approved. */
function withAttribution(p: PaymentRecord, text: string, locale: Locale): string {
  if (p.family === undefined) return text;
  return `${text}\n${familyMessagesFor(locale).attribution(p.ownerName, p.family.approvedBy?.name ?? null)}`;
}

/** The fixed delivery id of a card version, and of a status announcement: queued twice, stored (and sent) once. */
export const deliveryIds = {
  card: (paymentId: string, version: number) => `card:${paymentId}:${version}`,
  status: (paymentId: string, status: PspStatus) => `status:${paymentId}:${status}`,
  receipt: (paymentId: string) => `receipt:${paymentId}`,
};

/** What a payment's deliveries are about, for the log. */
const aboutOf = (p: PaymentRecord): DeliveryAbout =>
  p.requestId === undefined ? { paymentId: p.id } : { paymentId: p.id, requestId: p.requestId };

/** A record's views from `from` (what was queued before) up to the record: its card of this version, new announcements. */
async function viewsSince(
  ctx: EngineContext,
  p: PaymentRecord,
  from: { readonly cardVersion: number; readonly announced: number },
  known?: Promise<Locale>,
): Promise<NewDelivery[]> {
  const locale = await (known ?? paymentLocale(ctx, p));
  const deliveries: NewDelivery[] = [];
  if (from.cardVersion < p.cardVersion) {
    const id = deliveryIds.card(p.id, p.cardVersion);
    const view =
      p.form !== null
        ? await paymentCard(ctx, p, locale)
        : p.phase === "closed" && p.note !== null
          ? { type: "text" as const, text: p.note }
          : null;
    if (view !== null) {
      deliveries.push({ id, chat: p.chat, view, slot: p.cardSlot, version: p.cardVersion, about: aboutOf(p) });
    }
  }
  const m = messagesFor(locale);
  for (const status of p.announced.slice(from.announced)) {
    if (p.form === null) continue;
    const text = announcement(p, p.form, status, m, locale);
    deliveries.push({
      id: deliveryIds.status(p.id, status),
      chat: p.chat,
      view: { type: "text", text },
      // In the card's thread (Slack), as a reply to the card (Telegram).
      threadOf: p.cardSlot,
      about: aboutOf(p),
    });
    // A household's PAID comes with its PDF receipt, queued with the announcement under its own fixed id.
    const receipt = status === "PAID" && p.family !== undefined ? await receiptView(p, locale) : null;
    if (receipt !== null) {
      deliveries.push({ id: deliveryIds.receipt(p.id), chat: p.chat, view: receipt, threadOf: p.cardSlot });
    }
  }
  return deliveries;
}

/** Lists of payments (Slack's Home) follow the record; they are read from the store, not from the chat. */
async function listsChanged(ctx: EngineContext, p: PaymentRecord): Promise<void> {
  ctx.outbox.paymentChanged({ platform: p.chat.platform, userId: p.ownerId });
  // A household's notice is in every member's lists (what /lista shows in the group): each one's Home follows.
  if (p.family !== undefined) {
    const household = await ctx.family?.households.get(p.chat);
    const others = new Set([p.family.route.payer.userId, ...householdPeople(household)]);
    others.delete(p.ownerId);
    for (const userId of others) ctx.outbox.paymentChanged({ platform: p.chat.platform, userId });
  }
}

/** Views staged to be stored with a record's write: the commit's steps, and the entries to queue once it is done. */
interface Staged {
  readonly steps: StoreStep[];
  readonly entries: Delivery[];
}

/** The views `p` calls for since `from` (what was queued before), staged in the outbox for one commit. */
async function stageViews(
  ctx: EngineContext,
  p: PaymentRecord,
  from: { readonly cardVersion: number; readonly announced: number },
  locale?: Promise<Locale>,
): Promise<Staged> {
  const staged = (await viewsSince(ctx, p, from, locale)).map((d) => ctx.outbox.stage(d));
  return { steps: staged.map((s) => s.step), entries: staged.map((s) => s.entry) };
}

/**
 * Queues, in order, the staged deliveries the commit stored (the card before what replies to it); one whose id
 * was taken is already stored and queued by whoever stored it. Then the payment's lists follow.
 */
async function sendCommitted(
  ctx: EngineContext,
  p: PaymentRecord,
  entries: readonly Delivery[],
  created: readonly boolean[] | undefined,
): Promise<void> {
  ctx.outbox.queue(entries.filter((_, i) => created?.[i] === true));
  await listsChanged(ctx, p);
}

/**
 * Queues what the record calls for and the outbox does not have yet, in one commit with the record's `queued`:
 * what recovery runs for a record an earlier version left with views unqueued (it queued them after the change's
 * write; `transition` commits them with it). Every delivery has a fixed id, so running it twice (two replicas, a
 * retry after a crash) sends each view once.
 */
async function project(ctx: EngineContext, paymentId: string): Promise<PaymentRecord | undefined> {
  let staged: Staged | undefined;
  const result = await ctx.store.payments.updateAlong(
    paymentId,
    (cur) =>
      projected(cur)
        ? undefined
        : { ...cur, queued: { cardVersion: cur.cardVersion, announced: cur.announced.length } },
    async (next, cur) => {
      staged = await stageViews(ctx, next, queuedOf(cur));
      return staged.steps;
    },
  );
  if (result.applied && staged !== undefined) await sendCommitted(ctx, result.value, staged.entries, result.created);
  return result.value;
}

/** What settling a payment removes from the store: its notice's hold in the chat, and its re-reads. */
function settleSteps(ctx: EngineContext, p: PaymentRecord): StoreStep[] {
  return [
    ctx.store.openNotices.along.deleteIfEquals(openNoticeKey(p.chat, p.notice.rptId), { paymentId: p.id }),
    ctx.store.schedule.along.delete(`payment:${p.id}`),
  ];
}

/** Whether a closed payment's settling has work outside the store's engine records (a household's caps and claims). */
function settlesOutside(ctx: EngineContext, p: PaymentRecord): boolean {
  return ctx.family !== undefined && p.family !== undefined;
}

/**
 * A household's part of settling: a member's hold on their cap becomes spent when it was PAID, and is given back
 * otherwise; the notice's claim in the household is released; its reminder cancelled (each idempotent).
 */
async function settleHousehold(ctx: EngineContext, payment: PaymentRecord): Promise<void> {
  if (ctx.family === undefined || payment.family === undefined) return;
  if (payment.status === "PAID") await ctx.family.caps.commit(payment.id);
  else await ctx.family.caps.release(payment.id);
  await ctx.family.claims.release(payment.family.householdId, payment.notice.rptId, payment.id);
  if (payment.family.reminding === true) {
    await ctx.family.reminders.cancel(payment.family.householdId, payment.notice.rptId, ctx.clock.now());
  }
}

/**
 * A payment is over: its notice may be sent again in the chat (and in its household), and the reconciler forgets
 * it. Recovery's way (a change that closes a payment commits the store's part with it: `transition`).
 */
async function settle(ctx: EngineContext, payment: PaymentRecord): Promise<void> {
  await settleHousehold(ctx, payment);
  // The same steps a closing change commits, in one atomic step; until they are done the payment's in-flight mark
  // stays (catchUp clears it after this), so recovery settles it again after a kill.
  await ctx.store.apply(settleSteps(ctx, payment));
}

/**
 * Brings the chat in line with the record (projection; a closed payment is also settled) and clears the
 * in-flight mark when the payment rests with all its views queued. Recovery runs it, and a re-read of a closed
 * payment (a kill may have left a household's part of settling undone). `stamp`: the caller's marking (only that
 * one is cleared); undefined: whatever mark there is.
 */
export async function catchUp(
  ctx: EngineContext,
  paymentId: string,
  stamp?: number,
): Promise<PaymentRecord | undefined> {
  const p = await project(ctx, paymentId);
  if (p?.phase === "closed") await settle(ctx, p);
  if (p === undefined || (rests(p) && projected(p))) await ctx.store.inflight.clear(paymentId, stamp);
  return p;
}

/** What a change commits besides the record (its views staged first), and what is left once it is committed. */
interface Along extends Staged {
  /** The in-flight mark's stamp when the change was marked (work goes on after the commit), else null. */
  readonly stamp: number | null;
}

/**
 * What a change from `cur` to `next` commits with the record: the views it calls for, the in-flight mark (set
 * when work goes on after the commit, `heldBefore` a cap to give back among it; taken out otherwise), the move of
 * the payment to its new status's count, and when it closes the payment, the store's part of settling.
 */
async function alongOf(
  ctx: EngineContext,
  next: PaymentRecord,
  cur: PaymentRecord,
  heldBefore: boolean,
  locale: Promise<Locale> | undefined,
): Promise<Along> {
  const views = await stageViews(ctx, next, queuedOf(cur), locale);
  const closes = next.phase === "closed";
  const goesOn = !rests(next) || heldBefore || (closes && settlesOutside(ctx, next));
  const stamp = goesOn ? ctx.store.inflight.stamp() : null;
  const marks = ctx.store.inflight.along;
  const steps = [
    ...views.steps,
    stamp === null ? marks.clear(next.id) : marks.mark(next.id, stamp),
    ...ctx.store.formsByStatus.move(next.id, cur.status, next.status, ctx.clock.now()),
    ...(closes ? settleSteps(ctx, next) : []),
  ];
  return { steps, entries: views.entries, stamp };
}

/**
 * The one way a payment's record changes. `change` returns the next record (or undefined: the claim is lost,
 * the state moved on); the move must be one PHASE_MOVES allows. One atomic step (the store's commit) writes the
 * record with everything the change calls for: the card edit and announcements it shows (in the outbox, on the
 * pending list), and, when it closes the payment, the end of its notice's hold and of its re-reads. A kill
 * anywhere leaves either no change or all of it, and any replica sends what was queued.
 *
 * The payment is marked in flight in the same step only while work goes on after it: a flow under way (the
 * payment does not rest), or a household's part of settling. A change that leaves it resting with nothing more to
 * do takes the mark out in that step instead. So the mark means "a process is working on it", and recovery takes
 * over exactly those.
 *
 * The card's version is bumped on every change the card shows, so the card shown is always the record's. A move
 * back to the card from confirming or executing starts a new attempt (`endsAttempt`).
 */
export function transition(
  ctx: EngineContext,
  paymentId: string,
  change: (current: PaymentRecord) => PaymentRecord | undefined,
  options: { readonly shown?: boolean; readonly locale?: Promise<Locale> } = {},
): Promise<UpdateResult<PaymentRecord>> {
  // `shown: false` for bookkeeping the card does not show (whether DropPay answered the disposition); `locale`: the
  // owner's language when the caller read it already (with the form).
  const bump = options.shown === false ? 0 : 1;
  // One at a time per payment in this process, so that the views of two changes (the disposition's answer and
  // a webhook) are queued in the order the changes were recorded.
  return ctx.exclusive(`payment:${paymentId}`, async () => {
    let heldBefore = false;
    let along: Along | undefined;
    const result = await ctx.store.payments.updateAlong(
      paymentId,
      (cur) => {
        heldBefore = false;
        const next = change(cur);
        if (next === undefined) return undefined;
        if (!PHASE_MOVES[cur.phase].includes(next.phase)) {
          ctx.logger.debug("refused a move the payment's diagram does not allow", {
            paymentId,
            from: cur.phase,
            to: next.phase,
          });
          return undefined;
        }
        const ended = endsAttempt(cur.phase, next.phase);
        heldBefore = ended && cur.family?.reserved === true;
        const moved = ended ? newAttempt(next) : next;
        const cardVersion = cur.cardVersion + bump;
        // Everything this record calls for is queued in the same step as its write.
        return {
          ...moved,
          cardVersion,
          queued: { cardVersion, announced: moved.announced.length },
          updatedAt: ctx.clock.now(),
        };
      },
      async (next, cur) => {
        along = await alongOf(ctx, next, cur, heldBefore, options.locale);
        return along.steps;
      },
    );
    if (!result.applied || along === undefined) return result;
    const { entries, stamp } = along;
    const p = result.value;
    await sendCommitted(ctx, p, entries, result.created);
    if (stamp === null) return result;
    // Back to the card: nothing was paid, so a member's hold on their cap is given back.
    if (heldBefore) await ctx.family?.caps.release(paymentId);
    if (p.phase === "closed") await settleHousehold(ctx, p);
    // Only this marking's: a change made since by another flow keeps its own.
    if (rests(p)) await ctx.store.inflight.clear(paymentId, stamp);
    return result;
  });
}
