import type { AccountRef } from "../../family/household.ts";
import { messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import type { EngineContext } from "../context.ts";
import type { Platform } from "../events.ts";
import type { PayerRef } from "../gateway-port.ts";
import { personKey } from "../ids.ts";

/** Who pays: the person's linked account; else, with the sandbox, their demo account; else nobody yet. */
export async function payerFor(ctx: EngineContext, platform: Platform, userId: string): Promise<PayerRef | null> {
  const key = personKey(platform, userId);
  const person = await ctx.store.people.get(key);
  if (person?.linked) return { kind: "linked", personKey: key };
  return ctx.gateway.demoAccounts ? { kind: "demo", personKey: key } : null;
}

/**
 * The account a household's payer pays from, as the family domain keeps it: an opaque reference (the person's
 * key, which the gateway resolves) and the name the card and /famiglia show. Null when the person has none.
 */
export async function accountOf(
  ctx: EngineContext,
  platform: Platform,
  userId: string,
  locale: Locale,
): Promise<AccountRef | null> {
  const payer = await payerFor(ctx, platform, userId);
  if (payer === null) return null;
  if (payer.kind === "demo") return { accountId: payer.personKey, label: messagesFor(locale).card.demoAccount };
  const person = await ctx.store.people.get(payer.personKey);
  return { accountId: payer.personKey, label: person?.linked?.accountName ?? null };
}
