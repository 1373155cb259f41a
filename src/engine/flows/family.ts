import type { MonthTotal } from "../../family/caps.ts";
import { FamilyError, type FamilyErrorCode } from "../../family/errors.ts";
import type { Family } from "../../family/family.ts";
import { type Household, type PaymentRoute, routeFor } from "../../family/household.ts";
import { familyMessagesFor } from "../../family/i18n.ts";
import { findPeople, parseLimitCommand } from "../../family/limit-command.ts";
import { householdSummary } from "../../family/views.ts";
import { formatMoney } from "../../i18n/format.ts";
import type { Cents, Locale } from "../../notice/money.ts";
import type { Result } from "../../notice/result.ts";
import { type EngineContext, say } from "../context.ts";
import type { ChatRef, Sender } from "../events.ts";
import { chatKey, personKey } from "../ids.ts";
import { upsert } from "../upsert.ts";
import { accountOf } from "./payer.ts";

/**
 * The family commands and the household look-ups the payment flows make. The rules are src/family's; this file
 * only reads what a person typed, applies the rule, and says the outcome in the chat.
 */

/** The chat's household, when the engine has the family domain and the chat is a group that has one. */
export async function householdOf(ctx: EngineContext, chat: ChatRef): Promise<Household | undefined> {
  if (ctx.family === undefined || chat.kind !== "group") return undefined;
  return ctx.family.households.get(chat);
}

/** Someone spoke in a group: a household notes them (a new member has a cap of 0). No household, no write. */
export async function noteSeen(ctx: EngineContext, chat: ChatRef, from: Sender): Promise<void> {
  if (ctx.family === undefined || chat.kind !== "group") return;
  const household = await ctx.family.households.noteSeen(chat, from, ctx.clock.now());
  if (household !== undefined) await joinHousehold(ctx, chat, from.userId);
}

/**
 * Records on the person that they belong to the chat's household, so their overview (Slack's Home) lists what
 * /lista shows in the group. One read when already recorded; a write only the first time.
 */
export async function joinHousehold(ctx: EngineContext, chat: ChatRef, userId: string): Promise<void> {
  const key = personKey(chat.platform, userId);
  const id = chatKey(chat);
  if ((await ctx.store.people.get(key))?.households?.includes(id)) return;
  await upsert(ctx.store.people, key, { locale: null, linked: null, waiting: [] }, (person) =>
    person.households?.includes(id) ? person : { ...person, households: [...(person.households ?? []), id] },
  );
}

/** How a notice `ownerId` posted, of `totalCents`, gets paid: advisory for the card; the press reserves. */
export async function routeOf(family: Family, h: Household, ownerId: string, totalCents: Cents): Promise<PaymentRoute> {
  const month = await family.caps.monthTotal(h.id, ownerId);
  return routeFor(h, ownerId, totalCents, (month.committedCents + month.reservedCents) as Cents);
}

/** A family rule's refusal, in the person's words. */
export function familyErrorText(error: unknown, locale: Locale): string | null {
  if (!(error instanceof FamilyError)) return null;
  return familyMessagesFor(locale).errors[error.code as FamilyErrorCode];
}

async function summary(family: Family, h: Household, locale: Locale): Promise<string> {
  const totals = new Map<string, MonthTotal>();
  for (const member of h.members) totals.set(member.userId, await family.caps.monthTotal(h.id, member.userId));
  return householdSummary(h, totals, locale);
}

/** `/famiglia aggiungi Luca` / `/family add Luca` (a second payer); `passa`/`handover` gives the role away. */
const ADD_WORDS = ["aggiungi", "add"];
const HAND_OVER_WORDS = ["passa", "cedi", "handover", "hand"];

/**
 * /famiglia: in a group with no household, creates it with the person as payer (from their linked account, or
 * the sandbox's demo account); otherwise shows who pays, the members and their caps. With a name after
 * `aggiungi` or `passa`, a payer adds a second payer or hands the role over.
 */
export async function familyCommand(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  args: string,
  locale: Locale,
): Promise<void> {
  const m = familyMessagesFor(locale);
  const family = ctx.family;
  if (family === undefined || chat.kind !== "group") {
    await say(ctx, chat, m.errors.not_a_group);
    return;
  }
  const now = ctx.clock.now();
  const existing = await family.households.get(chat);
  if (existing === undefined) {
    const account = await accountOf(ctx, chat.platform, from.userId, locale);
    if (account === null) {
      await say(ctx, chat, m.household.needsAccount);
      return;
    }
    const created = await family.households.create(chat, from, account, now);
    if (!created.ok) {
      await say(ctx, chat, familyErrorText(created.error, locale) ?? m.errors.no_household);
      return;
    }
    // The creator spoke before the household existed: noteSeen had nothing to record them in.
    await joinHousehold(ctx, chat, from.userId);
    const text = created.value.created
      ? m.household.created(from.name, account.label ?? account.accountId)
      : await summary(family, created.value.household, locale);
    await say(ctx, chat, text);
    return;
  }
  const [verb = "", ...rest] = args.trim().split(/\s+/);
  const adding = ADD_WORDS.includes(verb.toLowerCase());
  if (!adding && !HAND_OVER_WORDS.includes(verb.toLowerCase())) {
    await say(ctx, chat, await summary(family, existing, locale));
    return;
  }
  const found = findPeople(existing, rest.join(" "));
  const person = found.length === 1 ? found[0] : undefined;
  if (person === undefined) {
    await say(ctx, chat, found.length > 1 ? m.errors.ambiguous_member : m.errors.unknown_member);
    return;
  }
  const account = await accountOf(ctx, chat.platform, person.userId, locale);
  if (account === null) {
    await say(ctx, chat, m.household.needsAccount);
    return;
  }
  const changed: Result<Household, FamilyError> = adding
    ? await family.households.addPayer(chat, from.userId, person.userId, account, now)
    : await family.households.handOver(chat, from.userId, person.userId, account, now);
  if (!changed.ok) {
    await say(ctx, chat, familyErrorText(changed.error, locale) ?? m.errors.not_a_payer);
    return;
  }
  await say(ctx, chat, adding ? m.household.payerAdded(person.name) : m.household.handedOver(person.name));
}

/** /limite @marco 50 (/limit), or /limite 50 in reply to Marco: a payer sets a member's monthly cap. */
export async function limitCommand(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  args: string,
  locale: Locale,
  replyToUserId: string | null,
): Promise<void> {
  const m = familyMessagesFor(locale);
  const h = await householdOf(ctx, chat);
  if (ctx.family === undefined || h === undefined) {
    await say(ctx, chat, chat.kind === "group" ? m.errors.no_household : m.errors.not_a_group);
    return;
  }
  if (args.trim() === "") {
    await say(ctx, chat, m.household.capUsage);
    return;
  }
  const request = parseLimitCommand(h, args, replyToUserId);
  if (!request.ok) {
    await say(ctx, chat, `${m.errors[request.error.code]}\n${m.household.capUsage}`);
    return;
  }
  const set = await ctx.family.households.setCap(chat, from.userId, request.value.memberId, request.value.capCents);
  if (!set.ok) {
    await say(ctx, chat, m.errors[set.error.code]);
    return;
  }
  const name = set.value.members.find((p) => p.userId === request.value.memberId)?.name ?? "";
  await say(
    ctx,
    chat,
    request.value.capCents === 0
      ? m.household.capZero(name)
      : m.household.capSet(name, formatMoney(request.value.capCents, locale)),
  );
}
