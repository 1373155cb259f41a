import { formatDay, formatMoney, italianDay } from "../i18n/format.ts";
import { localeFromTag, type Messages, messagesFor } from "../i18n/t.ts";
import type { Locale } from "../notice/money.ts";
import type { EngineContext } from "./context.ts";
import type { Platform } from "./events.ts";
import { personKey } from "./ids.ts";
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

/** One payment as a list shows it. */
export function listItem(p: PaymentRecord, locale: Locale): PaymentListItem {
  const m = messagesFor(locale);
  const cents = p.form === null ? p.notice.amountCents : figuresOf(p.form).totalCents;
  const amount = cents === null ? "—" : formatMoney(cents, locale);
  return {
    paymentId: p.id,
    title: p.form?.payeeName ?? p.notice.fiscalCode,
    detail: `${amount} · ${formatDay(italianDay(p.createdAt), locale)}`,
    status: statusWord(p, m),
    tone: toneOf(p),
  };
}

/**
 * A person's open notices (every phase but closed: to confirm, awaiting a link, in progress, scheduled) and
 * their latest closed payments, newest first, from the payments they sent (PersonRecord.recent).
 */
export async function overviewOf(ctx: EngineContext, query: PersonQuery): Promise<PaymentOverview> {
  const person = await ctx.store.people.get(personKey(query.platform, query.userId));
  const locale = person?.locale ?? localeFromTag(query.locale, ctx.defaultLocale);
  const pending: PaymentListItem[] = [];
  const recent: PaymentListItem[] = [];
  for (const id of person?.recent ?? []) {
    const p = await ctx.store.payments.get(id);
    if (p === undefined) continue;
    (p.phase === "closed" ? recent : pending).push(listItem(p, locale));
  }
  return { pending, recent };
}
