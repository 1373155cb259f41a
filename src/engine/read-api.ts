import { familyMessagesFor } from "../family/i18n.ts";
import { formatDay, formatMoney, italianDay } from "../i18n/format.ts";
import { localeFromTag, type Messages, messagesFor } from "../i18n/t.ts";
import type { Cents, Locale } from "../notice/money.ts";
import type { EngineContext } from "./context.ts";
import type { ChatRef, Platform } from "./events.ts";
import { chatKey, personKey } from "./ids.ts";
import { figuresOf } from "./payment-status.ts";
import type { PaymentRecord } from "./records.ts";
import type { CardTone } from "./views.ts";

/**
 * The engine's read API for surfaces that show lists (Slack's App Home, /lista): a person's payments, already
 * worded in their language. Read-only: nothing here moves a payment.
 */
export interface PaymentListItem {
  /** The engine's id of the payment (its card is in the chat the notice was sent to). */
  readonly paymentId: string;
  /** The payee (or the payee's fiscal code before the PSP named it). */
  readonly title: string;
  /** Amount and date, formatted ("121,50 € · 29/11/2026"). */
  readonly detail: string;
  /** The status as a word ("da confermare", "pagato"). */
  readonly status: string;
  readonly tone: CardTone;
  /** The payee alone (as `title`), the total (null while no form and no QR amount says it), and the due date. */
  readonly payee: string;
  readonly totalCents: Cents | null;
  /** YYYY-MM-DD: the PSP's, else the one someone gave or the picture showed (households); null when unknown. */
  readonly dueDate: string | null;
  /** Who posted the notice (its owner's display name). */
  readonly postedBy: string;
  /** Still open for a press (Paga, Approva…): /lista shows its card again, with its buttons. */
  readonly actionable: boolean;
  /** A household notice's who-posted and due date, worded as /lista says them ("da Marco, scade il …"); else null. */
  readonly about: string | null;
}

export interface PaymentOverview {
  /** Notices waiting for the person (to confirm, in progress, scheduled), newest first. */
  readonly pending: readonly PaymentListItem[];
  /** The latest closed payments (paid, failed, cancelled), newest first. */
  readonly recent: readonly PaymentListItem[];
}

/** Whose payments: a person on a platform; `locale` is the platform's tag, used when they chose no language. */
export interface PersonQuery {
  readonly platform: Platform;
  readonly userId: string;
  readonly locale?: string;
}

/** How many payments a person remembers (newest first), as a chat does for /storico. */
export const PERSON_RECENT_LIMIT = 20;

/** The word for where a payment stands, as /storico and the lists show it. */
export function statusWord(p: PaymentRecord, m: Messages): string {
  const s = m.history.status;
  switch (p.status) {
    case "PAID":
      return s.paid;
    case "FAILED":
      return s.failed;
    case "CANCELLED":
    case "DELETED":
    case "ABORTED":
      return s.cancelled;
    case "PROMISED":
      return s.promised;
    case "SCHEDULED":
      return s.scheduled;
    case "RUNNING":
      return s.progress;
    default:
      break;
  }
  if (p.phase === "awaiting_link") return s.awaiting;
  if (p.phase === "closed") return s.notCreated;
  if (p.phase === "open") return s.open;
  return s.progress;
}

function toneOf(p: PaymentRecord): CardTone {
  if (p.phase !== "closed") return p.phase === "open" ? "neutral" : "pending";
  if (p.status === "PAID") return "success";
  if (p.status === "FAILED") return "failure";
  return "muted";
}

/** What a payment costs in all: the form's total (fee included), else the QR's amount; null while neither says. */
export const totalOf = (p: PaymentRecord): Cents | null =>
  p.form === null ? p.notice.amountCents : figuresOf(p.form).totalCents;

/** One payment as a list shows it. */
export function listItem(p: PaymentRecord, locale: Locale): PaymentListItem {
  const m = messagesFor(locale);
  const cents = totalOf(p);
  const amount = cents === null ? "—" : formatMoney(cents, locale);
  const payee = p.form?.payeeName ?? p.notice.fiscalCode;
  const dueDate = p.form?.dueDate ?? p.family?.dueDate?.date ?? null;
  const about =
    p.family === undefined
      ? null
      : familyMessagesFor(locale).pending.about(p.ownerName, dueDate === null ? null : formatDay(dueDate, locale));
  return {
    paymentId: p.id,
    title: payee,
    detail: `${amount} · ${formatDay(italianDay(p.createdAt), locale)}`,
    status: statusWord(p, m),
    tone: toneOf(p),
    payee,
    totalCents: cents,
    dueDate,
    postedBy: p.ownerName,
    actionable: p.phase === "open" && p.form !== null,
    about,
  };
}

/** Newest first, each payment once (a household notice is in the poster's own list and in the household's). */
function newestFirstOnce(records: readonly PaymentRecord[]): PaymentRecord[] {
  const seen = new Set<string>();
  return [...records]
    .sort((a, b) => b.createdAt - a.createdAt)
    .filter((p) => {
      if (seen.has(p.id)) return false;
      seen.add(p.id);
      return true;
    });
}

async function recordsOf(ctx: EngineContext, ids: readonly string[]): Promise<PaymentRecord[]> {
  const found: PaymentRecord[] = [];
  for (const id of ids) {
    const p = await ctx.store.payments.get(id);
    if (p !== undefined) found.push(p);
  }
  return found;
}

/** A chat's payments it remembers (ChatRecord.recent), newest first: /storico's list, and /lista's when open. */
export async function chatPayments(ctx: EngineContext, chatId: string): Promise<PaymentRecord[]> {
  return recordsOf(ctx, (await ctx.store.chats.get(chatId))?.recent ?? []);
}

/** A chat's payments still open (every phase but closed), newest first: what /lista shows in a household. */
async function openInChat(ctx: EngineContext, chatId: string): Promise<PaymentRecord[]> {
  return (await chatPayments(ctx, chatId)).filter((p) => p.phase !== "closed");
}

/**
 * A chat's open notices (a household's: whoever posted them), newest first, worded in `locale`: what /lista
 * shows in the group and what each member's overview lists. `recent` is left empty: /storico has its own view.
 */
export async function chatOverview(ctx: EngineContext, chat: ChatRef, locale: Locale): Promise<PaymentOverview> {
  const open = await openInChat(ctx, chatKey(chat));
  return { pending: open.map((p) => listItem(p, locale)), recent: [] };
}

/**
 * A person's open notices (every phase but closed: to confirm, awaiting a link, in progress, scheduled) and
 * their latest closed payments, newest first: the payments they sent (PersonRecord.recent) and, for each
 * household they belong to (PersonRecord.households), the household's open notices, as /lista shows them there.
 */
export async function overviewOf(ctx: EngineContext, query: PersonQuery): Promise<PaymentOverview> {
  const person = await ctx.store.people.get(personKey(query.platform, query.userId));
  const locale = person?.locale ?? localeFromTag(query.locale, ctx.defaultLocale);
  const own = await recordsOf(ctx, person?.recent ?? []);
  const households: PaymentRecord[] = [];
  for (const chatId of person?.households ?? []) households.push(...(await openInChat(ctx, chatId)));
  const pending = newestFirstOnce([...own.filter((p) => p.phase !== "closed"), ...households]);
  const recent = own.filter((p) => p.phase === "closed");
  return { pending: pending.map((p) => listItem(p, locale)), recent: recent.map((p) => listItem(p, locale)) };
}
