import { formatDay } from "../i18n/format.ts";
import { type Cents, formatCents, type Locale } from "../notice/money.ts";
import type { MonthTotal } from "./caps.ts";
import type { DueDate } from "./due-date.ts";
import type { Household, PaymentRoute } from "./household.ts";
import { familyMessagesFor } from "./i18n.ts";

/**
 * The family's parts of what people see, as plain text in their language: the /famiglia summary, the lines and
 * buttons a family card adds, /lista and /storico. The engine puts them into its views (and gives the buttons
 * their refs); nothing here knows a platform.
 */

/** /famiglia: who pays, from which account, and each member's cap and what they used this month. */
export function householdSummary(h: Household, totals: ReadonlyMap<string, MonthTotal>, locale: Locale): string {
  const m = familyMessagesFor(locale).household;
  const money = (cents: Cents) => formatCents(cents, locale);
  const lines = [m.title, ...h.payers.map((p) => m.payerLine(p.name, p.account.label ?? p.account.accountId))];
  if (h.members.length === 0) lines.push(m.noMembers);
  for (const member of h.members) {
    const total = totals.get(member.userId);
    const spent = ((total?.committedCents ?? 0) + (total?.reservedCents ?? 0)) as Cents;
    lines.push(
      member.capCents === 0
        ? m.memberNoCap(member.name)
        : m.memberLine(member.name, money(member.capCents), money(spent)),
    );
  }
  return lines.join("\n");
}

/** A button a family card wants; the engine stores it and gives it its ref. */
export interface FamilyButton {
  readonly action: "approve" | "refuse" | "remind" | "dont_remind";
  readonly label: string;
  readonly style?: "primary" | "danger";
}

export interface FamilyCardParts {
  /** Lines under the card's title (whose account pays, whose approval is needed, the cap). */
  readonly lines: readonly string[];
  readonly fields: readonly { readonly label: string; readonly value: string }[];
  /** Replace the card's Paga/Annulla row when the route is an approval; added under it otherwise. */
  readonly buttons: readonly FamilyButton[];
}

export interface FamilyCardInput {
  readonly route: PaymentRoute;
  readonly totalCents: Cents;
  /** Who posted the notice. */
  readonly askedBy: string;
  readonly dueDate: (DueDate & { readonly givenBy?: string }) | null;
  /** Reminders are set for this notice (the card then offers to stop them). */
  readonly reminding: boolean;
  /** The card still waits for a decision (no buttons once it is paying or over). */
  readonly open: boolean;
}

/** What a family card adds to the engine's payment card. */
export function familyCardParts(input: FamilyCardInput, locale: Locale): FamilyCardParts {
  const m = familyMessagesFor(locale);
  const money = (cents: Cents) => formatCents(cents, locale);
  const { route } = input;
  const lines = [m.card.paysFrom(route.payer.name)];
  const buttons: FamilyButton[] = [];
  if (route.kind === "approval") {
    lines.push(m.card.approvalNeeded(route.approvers.map((p) => p.name)));
    lines.push(m.card.askedBy(input.askedBy));
    if (input.open) {
      buttons.push({ action: "approve", label: m.buttons.approveAndPay(money(input.totalCents)), style: "primary" });
      buttons.push({ action: "refuse", label: m.buttons.refuse, style: "danger" });
    }
  } else if (route.kind === "alone") {
    lines.push(m.card.underCap(money((route.remainingCents - input.totalCents) as Cents)));
  }
  const fields: { label: string; value: string }[] = [];
  if (input.dueDate !== null) {
    const day = formatDay(input.dueDate.date, locale);
    const value =
      input.dueDate.source === "read"
        ? m.card.dueRead(day)
        : m.card.dueGiven(day, input.dueDate.givenBy ?? input.askedBy);
    fields.push({ label: m.card.dueDate, value });
  }
  if (input.open) {
    if (input.reminding) buttons.push({ action: "dont_remind", label: m.buttons.dontRemind });
    else if (input.dueDate === null) buttons.push({ action: "remind", label: m.buttons.remindMe });
  }
  return { lines, fields, buttons };
}

export interface PendingItem {
  readonly payee: string;
  readonly totalCents: Cents;
  readonly dueDate: string | null;
  readonly postedBy: string;
}

/** /lista: open notices, soonest due first (those without a date last). */
export function pendingText(items: readonly PendingItem[], locale: Locale): string {
  const m = familyMessagesFor(locale).pending;
  if (items.length === 0) return m.empty;
  const sorted = [...items].sort((a, b) => (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999"));
  const lines = sorted.map((i) =>
    m.line(
      i.payee,
      formatCents(i.totalCents, locale),
      i.dueDate === null ? null : formatDay(i.dueDate, locale),
      i.postedBy,
    ),
  );
  return [m.title, ...lines].join("\n");
}

export interface HistoryItem {
  /** YYYY-MM-DD (Italian day). */
  readonly day: string;
  readonly payee: string;
  readonly totalCents: Cents | null;
  /** Already translated ("pagato", "non riuscito"…). */
  readonly status: string;
  readonly askedBy: string;
  readonly approvedBy: string | null;
  readonly iur: string | null;
}

/** /storico in a family: each payment with who asked, who approved and its IUR. */
export function historyText(items: readonly HistoryItem[], locale: Locale): string {
  const m = familyMessagesFor(locale).history;
  if (items.length === 0) return m.empty;
  const lines = items.flatMap((i) => [
    m.line(
      formatDay(i.day, locale),
      i.payee,
      i.totalCents === null ? "—" : formatCents(i.totalCents, locale),
      i.status,
    ),
    m.people(i.askedBy, i.approvedBy),
    ...(i.iur === null ? [] : [m.iur(i.iur)]),
  ]);
  return [m.title, ...lines].join("\n");
}
