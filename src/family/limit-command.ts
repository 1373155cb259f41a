import type { Cents } from "../notice/money.ts";
import { parseEuroText } from "../notice/money.ts";
import { err, ok, type Result } from "../notice/result.ts";
import { type FamilyError, familyError } from "./errors.ts";
import type { Household } from "./household.ts";

/**
 * Reads `/limite @marco 50` (`/limit`): who, and how much a month. The person is named by a mention or a name, or
 * is the author of the message the command replies to (`/limite 50` in reply to Marco); the amount is in euro as
 * people type it ("50", "50,00", "€ 50", "1.000,00"). Pure: the payer check and the write are households.setCap.
 */
export interface LimitRequest {
  readonly memberId: string;
  readonly capCents: Cents;
}

const plain = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[_.]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();

/** The people a name or mention fits: the whole name, else its first word, else a name it begins. */
export function findPeople(h: Household, who: string): readonly { readonly userId: string; readonly name: string }[] {
  const wanted = plain(who.replace(/^@/, ""));
  if (wanted === "") return [];
  const people = [...h.payers, ...h.members];
  const exact = people.filter((p) => plain(p.name) === wanted);
  if (exact.length > 0) return exact;
  const first = people.filter((p) => plain(p.name).split(" ")[0] === wanted);
  if (first.length > 0) return first;
  return people.filter((p) => plain(p.name).startsWith(wanted));
}

export function parseLimitCommand(
  h: Household,
  args: string,
  replyToUserId: string | null,
): Result<LimitRequest, FamilyError> {
  const match = /^(.*?)\s*((?:€\s*)?\d[\d.,\s]*(?:\s*(?:€|eur|euro))?)$/i.exec(args.trim());
  if (match === null) return err(familyError("cap_invalid", "no amount in the command"));
  const amount = parseEuroText(match[2] ?? "");
  if (!amount.ok) return err(familyError("cap_invalid", `not an amount: ${match[2]}`));
  const who = (match[1] ?? "").trim();
  if (who === "") {
    if (replyToUserId === null) return err(familyError("unknown_member", "nobody named and no reply"));
    return ok({ memberId: replyToUserId, capCents: amount.value });
  }
  const found = findPeople(h, who);
  if (found.length === 0) return err(familyError("unknown_member", "nobody by that name has written here"));
  if (found.length > 1) return err(familyError("ambiguous_member", "that name fits more than one person"));
  return ok({ memberId: (found[0] as { userId: string }).userId, capCents: amount.value });
}
