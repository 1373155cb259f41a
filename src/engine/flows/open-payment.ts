import { findDueDate } from "../../family/due-date.ts";
import type { PaymentRoute } from "../../family/household.ts";
import { familyMessagesFor } from "../../family/i18n.ts";
import { formatDay, formatMoment, italianDay } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import type { Cents, Locale } from "../../notice/money.ts";
import { type EngineContext, paymentLocale, say, slots, toPerson } from "../context.ts";
import { errorText } from "../error-to-view.ts";
import type { ChatRef, Sender } from "../events.ts";
import { type PaymentForm, PspError } from "../gateway-port.ts";
import { chatKey, newId, openNoticeKey, personKey } from "../ids.ts";
import { flowLease } from "../lease.ts";
import { catchUp, transition } from "../payment-machine.ts";
import { figuresOf } from "../payment-status.ts";
import { PERSON_RECENT_LIMIT } from "../read-api.ts";
import type { NoticeRef, PaymentRecord } from "../records.ts";
import { paymentLogger } from "../request-log.ts";
import { upsert } from "../upsert.ts";
import { watch } from "./apply-status.ts";
import { householdOf, routeOf } from "./family.ts";
import { payerFor } from "./payer.ts";
import { startReminders } from "./reminders.ts";
import { showCard } from "./show-card.ts";

export interface OpenRequest {
  readonly chat: ChatRef;
  readonly from: Sender;
  readonly locale: Locale;
  readonly notice: NoticeRef;
  /** The message slot the card goes to (the "reading…" message it replaces); a new message when unset. */
  readonly slot?: string;
  /** What the person typed with the notice: in a household, a due date in it ("entro il 04/01/2027") is kept. */
  readonly text?: string;
}

/**
 * A due date announced in what the person typed with the notice ("scadenza 04/01/2027"): only after words that
 * say it is one, and not already past. Reminders are then set once the card is there.
 */
function typedDueDate(req: OpenRequest, now: number): { dueDate?: { date: string; givenBy: string } } {
  if (req.text === undefined) return {};
  const today = italianDay(now);
  const found = findDueDate(req.text, "read", today);
  return found === null || found.date < today ? {} : { dueDate: { date: found.date, givenBy: req.from.name } };
}

/** How many recent payments a chat remembers for /storico. */
const RECENT_LIMIT = 20;

/** A payment of this notice (same payee, same notice number) already PAID in this chat, from its recent ones. */
async function paidHere(ctx: EngineContext, chat: ChatRef, notice: NoticeRef): Promise<PaymentRecord | undefined> {
  const ids = (await ctx.store.chats.get(chatKey(chat)))?.recent ?? [];
  for (const id of ids) {
    const p = await ctx.store.payments.get(id);
    if (
      p?.status === "PAID" &&
      p.notice.noticeNumber === notice.noticeNumber &&
      p.notice.fiscalCode === notice.fiscalCode
    ) {
      return p;
    }
  }
  return undefined;
}

/** "Already paid in this chat on <when> (IUR …)": what the person needs instead of a refusal. */
function alreadyPaidText(p: PaymentRecord, locale: Locale): string {
  const m = messagesFor(locale);
  const when = p.form?.lastModified ?? p.form?.settlementDate ?? null;
  const date =
    when === null
      ? formatMoment(p.executedAt ?? p.updatedAt, locale)
      : when.length > 10
        ? formatMoment(when, locale)
        : formatDay(when, locale);
  return m.alreadyPaidHere(date, p.form?.iur ?? "—");
}

/**
 * A notice arrives in a chat: one open payment per notice per chat (an atomic claim on chat + RptId), so the
 * same notice sent twice, or by two people of a family at once, resumes its card instead of a second form.
 * The payment is stored before the PSP is called (payments.md R1).
 */
export async function openPayment(ctx: EngineContext, req: OpenRequest): Promise<void> {
  // Paid here already: say when, with its IUR, rather than asking DropPay (which would refuse it as paid).
  const paid = await paidHere(ctx, req.chat, req.notice);
  if (paid !== undefined) {
    await say(ctx, req.chat, alreadyPaidText(paid, req.locale), req.slot === undefined ? {} : { slot: req.slot });
    return;
  }
  const now = ctx.clock.now();
  // In a household the money comes from a payer's account: the member's notice is the primary payer's to pay.
  const household = await householdOf(ctx, req.chat);
  const route =
    household === undefined || ctx.family === undefined
      ? undefined
      : await routeOf(ctx.family, household, req.from.userId, req.notice.amountCents ?? (0 as Cents));
  const payer = await payerFor(ctx, req.chat.platform, route?.payer.userId ?? req.from.userId);
  const id = newId();
  const record: PaymentRecord = {
    id,
    chat: req.chat,
    ownerId: req.from.userId,
    ownerName: req.from.name,
    // The request that brought the notice in (its event); a payment opened outside one starts its own.
    requestId: ctx.requestId ?? newId(),
    locale: req.locale,
    payer: payer ?? { kind: "linked", personKey: personKey(req.chat.platform, req.from.userId) },
    notice: req.notice,
    phase: payer === null ? "awaiting_link" : "creating",
    status: null,
    formId: null,
    form: null,
    shown: null,
    cardSlot: req.slot ?? slots.card(id),
    cardVersion: 0,
    note: null,
    booked: false,
    scheduledDate: null,
    confirmedBy: null,
    confirmedAt: null,
    executedAt: null,
    executePosts: 0,
    executeAnswered: false,
    announced: [],
    queued: { cardVersion: 0, announced: 0 },
    ...(household === undefined || route === undefined
      ? {}
      : {
          family: {
            householdId: household.id,
            route,
            approvedBy: null,
            refusedBy: null,
            reserved: false,
            ...typedDueDate(req, now),
          },
        }),
    closedReason: null,
    createdAt: now,
    updatedAt: now,
  };
  // The flow's lease first (nobody else can know this id yet), then the in-flight mark, then the record: a kill
  // at any point leaves either nothing, or a marked payment that recovery creates the form of.
  const lease = await ctx.leases.take(flowLease(id));
  try {
    const stamp = await ctx.store.inflight.mark(id);
    await ctx.store.payments.put(id, record);
    paymentLogger(ctx, record).info("payment opened", { phase: record.phase, platform: record.chat.platform });
    // One payment per notice per household, whoever posts it: the second poster resumes the first one's card.
    const holding = await familyClaim(ctx, record);
    if (holding !== undefined) {
      await ctx.store.payments.delete(id);
      await catchUp(ctx, id, stamp);
      const f = familyMessagesFor(req.locale);
      await resume(
        ctx,
        req,
        holding,
        holding.ownerId === req.from.userId ? f.alreadyPayingYou : f.alreadyPaying(holding.ownerName),
      );
      return;
    }
    const key = openNoticeKey(req.chat, req.notice.rptId);
    for (let attempt = 0; ; attempt++) {
      if (await ctx.store.openNotices.create(key, { paymentId: id })) break;
      const holder = await ctx.store.openNotices.get(key);
      const existing = holder === undefined ? undefined : await ctx.store.payments.get(holder.paymentId);
      if (existing !== undefined && existing.phase !== "closed") {
        await ctx.store.payments.delete(id);
        await catchUp(ctx, id, stamp);
        await resume(ctx, req, existing);
        return;
      }
      // The holder is over (or vanished with a crash): free the notice and claim it again.
      if (holder !== undefined) await ctx.store.openNotices.deleteIf(key, (v) => v.paymentId === holder.paymentId);
      if (attempt >= 3) throw new Error("could not claim the notice");
    }
    await upsert(ctx.store.chats, chatKey(req.chat), { awaiting: null, recent: [] }, (c) => ({
      ...c,
      recent: [id, ...c.recent].slice(0, RECENT_LIMIT),
    }));
    // The sender's own list too (the read API: /lista, Slack's Home), whichever chat the notice came in.
    await upsert(
      ctx.store.people,
      personKey(req.chat.platform, req.from.userId),
      { locale: null, linked: null, waiting: [] },
      (person) => ({ ...person, recent: [id, ...(person.recent ?? [])].slice(0, PERSON_RECENT_LIMIT) }),
    );
    // In a household, each payer's list too: what waits for their approval, or is paid from their account, shows
    // on their Slack Home and in their lists.
    for (const { userId } of household?.payers ?? []) {
      if (userId === req.from.userId) continue;
      await upsert(
        ctx.store.people,
        personKey(req.chat.platform, userId),
        { locale: null, linked: null, waiting: [] },
        (person) => ({ ...person, recent: [id, ...(person.recent ?? [])].slice(0, PERSON_RECENT_LIMIT) }),
      );
    }
    if (payer === null) {
      await upsert(ctx.store.people, record.payer.personKey, { locale: null, linked: null, waiting: [] }, (person) => ({
        ...person,
        waiting: [...person.waiting, id],
      }));
      await say(ctx, req.chat, messagesFor(req.locale).link.first, { slot: record.cardSlot });
      await catchUp(ctx, id, stamp);
      return;
    }
    await watch(ctx, id, ctx.timing.firstCheckMs);
    await createForm(ctx, id);
  } finally {
    await lease?.release();
  }
}

/**
 * Claims the notice for this payment in its household (src/family/notice-claims.ts). Resolves to the payment
 * that holds it when someone else's open payment does; a claim whose payment is over or vanished is taken over.
 */
async function familyClaim(ctx: EngineContext, p: PaymentRecord): Promise<PaymentRecord | undefined> {
  if (ctx.family === undefined || p.family === undefined) return undefined;
  const holderOf = (paymentId: string) => ctx.store.payments.get(paymentId);
  const outcome = await ctx.family.claims.claim(
    p.family.householdId,
    p.notice.rptId,
    { paymentId: p.id, userId: p.ownerId, name: p.ownerName },
    async (claim) => {
      const holder = await holderOf(claim.paymentId);
      return holder === undefined || holder.phase === "closed";
    },
  );
  if (outcome.won) return undefined;
  const holder = await holderOf(outcome.claim.paymentId);
  return holder !== undefined && holder.phase !== "closed" ? holder : undefined;
}

/** The notice is already open in this chat: say so, and show its card again below. */
async function resume(
  ctx: EngineContext,
  req: OpenRequest,
  existing: PaymentRecord,
  text = messagesFor(req.locale).alreadyOpen,
): Promise<void> {
  const m = messagesFor(req.locale);
  if (existing.phase === "awaiting_link") {
    await say(
      ctx,
      req.chat,
      m.link.first,
      req.slot === undefined ? toPerson(req.chat, req.from.userId) : { slot: req.slot },
    );
    return;
  }
  await say(ctx, req.chat, text, req.slot === undefined ? {} : { slot: req.slot });
  // A card still being created appears on its own when its form is ready.
  if (existing.formId !== null) await showCard(ctx, existing, { fresh: true });
}

/** The form DropPay says already holds this notice (409/314 "already presented in {PPA…}"), if it is ours to use. */
async function adoptPresented(ctx: EngineContext, p: PaymentRecord, error: PspError): Promise<PaymentForm | null> {
  const formId = /\{?(PPA[A-Z0-9]+)\}?/.exec(error.details.description ?? "")?.[1];
  if (formId === undefined) return null;
  try {
    const form = await ctx.gateway.getForm(p.payer, formId);
    const usable = form.status === "DRAFT" || form.status === "READY" || form.status === "BOOKED";
    return usable && form.noticeNumber === p.notice.noticeNumber ? form : null;
  } catch {
    return null;
  }
}

/**
 * Creates the DropPay form of a stored payment and shows its card. The QR text goes along when there is one;
 * if the node's amount differs from the QR's (409/313), the form is created from the codes alone and the card
 * shows both amounts. A lost answer or a 5xx is retried; the DRAFT it may have left is adopted through 409/314,
 * never doubled (payments.md R9).
 */
export async function createForm(ctx: EngineContext, paymentId: string): Promise<void> {
  const p = await ctx.store.payments.get(paymentId);
  if (p === undefined || p.phase !== "creating") return;
  const webhookUrl = await ctx.webhooks.forPayment(paymentId);
  let qrText = p.notice.qrText;
  let retries = 0;
  let form: PaymentForm | null = null;
  while (form === null) {
    try {
      form = await ctx.gateway.createForm(p.payer, {
        noticeNumber: p.notice.noticeNumber,
        fiscalCode: p.notice.fiscalCode,
        qrText,
        webhookUrl,
      });
    } catch (error) {
      if (!(error instanceof PspError)) throw error;
      if (error.is(409, "313") && qrText !== null) {
        qrText = null;
        continue;
      }
      if (error.is(409, "314")) {
        form = await adoptPresented(ctx, p, error);
        if (form !== null) break;
      }
      // No answer or a 5xx: the DRAFT may exist. Trying again is safe: DropPay then answers 409/314 with its id.
      const transient =
        error.code === "psp_unreachable" || (error.code === "psp_refused" && (error.details.httpStatus ?? 0) >= 500);
      const delay = ctx.timing.createRetryDelaysMs[retries];
      if (transient && delay !== undefined) {
        retries++;
        await ctx.sleep(delay);
        continue;
      }
      await failCreate(ctx, p, error);
      return;
    }
  }
  if (form.noticeNumber !== p.notice.noticeNumber) {
    // DropPay answered with another notice's form (payments.md R13): show nothing of it.
    await failCreate(ctx, p, new PspError("psp_bad_reply", "the form is for another notice"));
    return;
  }
  const created = form;
  const route = await familyRoute(ctx, p, figuresOf(created).totalCents);
  const saved = await transition(ctx, paymentId, (cur) =>
    cur.phase !== "creating"
      ? undefined
      : {
          ...cur,
          phase: "open",
          formId: created.id,
          form: created,
          status: created.status,
          shown: figuresOf(created),
          ...(cur.family === undefined || route === undefined ? {} : { family: { ...cur.family, route } }),
        },
  );
  if (saved.applied) {
    paymentLogger(ctx, p).info("form created", { formId: created.id, status: created.status });
    await watch(ctx, paymentId, ctx.timing.firstCheckMs);
  }
  const due = saved.applied ? saved.value.family?.dueDate : undefined;
  // A due date typed with the notice: its reminders, as after "Ricordamelo".
  if (saved.applied && due) await startReminders(ctx, saved.value, due.date);
}

/**
 * A household payment's route once its total is known (the card offers Paga under the member's cap, else
 * Approva/Rifiuta to a payer). The form is on the account chosen at the start, whoever pays now.
 */
async function familyRoute(ctx: EngineContext, p: PaymentRecord, totalCents: Cents): Promise<PaymentRoute | undefined> {
  if (p.family === undefined || ctx.family === undefined) return undefined;
  const household = await ctx.family.households.get(p.chat);
  if (household === undefined) return p.family.route;
  const route = await routeOf(ctx.family, household, p.ownerId, totalCents);
  return { ...route, payer: p.family.route.payer };
}

/** The form could not be created: tell the person why, and free the notice (or keep it until a link, on 401). */
async function failCreate(ctx: EngineContext, p: PaymentRecord, error: PspError): Promise<void> {
  const locale = await paymentLocale(ctx, p);
  const m = messagesFor(locale);
  const linkBroken = p.payer.kind === "linked" && (error.code === "psp_not_linked" || error.is(401));
  if (linkBroken) {
    const kept = await transition(ctx, p.id, (cur) =>
      cur.phase === "creating" ? { ...cur, phase: "awaiting_link" } : undefined,
    );
    if (!kept.applied) return;
    await ctx.store.people.update(p.payer.personKey, (person) => ({
      ...person,
      linked: null,
      waiting: [...person.waiting, p.id],
    }));
    await ctx.store.schedule.delete(`payment:${p.id}`);
    await say(ctx, p.chat, m.link.broken, { slot: p.cardSlot });
    return;
  }
  ctx.logger.info("form not created", { paymentId: p.id, code: error.code, ...error.details });
  // Refused as already paid (409/310): when it was paid in this chat, say when and with which IUR.
  const paid = error.is(409, "310") ? await paidHere(ctx, p.chat, p.notice) : undefined;
  const note = paid === undefined ? errorText(error, m) : alreadyPaidText(paid, locale);
  // The message goes on the record: the transition shows it in the card's slot (and recovery would again).
  await transition(ctx, p.id, (cur) =>
    cur.phase === "creating" ? { ...cur, phase: "closed", closedReason: error.code, note } : undefined,
  );
}
