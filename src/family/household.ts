import type { ChatRef, Sender } from "../engine/events.ts";
import type { Cents } from "../notice/money.ts";
import { err, ok, type Result } from "../notice/result.ts";
import { type FamilyError, familyError } from "./errors.ts";

/**
 * A household: the family that shares one group chat. One or two payers hold the DropPay accounts the money
 * comes from; every other person seen in the chat is a member, who may pay alone up to a monthly cap (0 € at
 * first, so everything a new member posts waits for a payer). Everything here is pure: the store applies these
 * transitions inside a compare-and-set.
 */

/** The DropPay account a payer pays from, as an opaque reference the gateway resolves (never a credential). */
export interface AccountRef {
  readonly accountId: string;
  /** How the card names it ("Conto di Anna · IT60…4567"), when known. */
  readonly label: string | null;
}

export interface HouseholdPayer {
  readonly userId: string;
  readonly name: string;
  readonly account: AccountRef;
  readonly since: number;
}

export interface HouseholdMember {
  readonly userId: string;
  readonly name: string;
  /** What the member may pay alone in a calendar month (Europe/Rome); 0 means every notice needs a payer. */
  readonly capCents: Cents;
  readonly firstSeenAt: number;
}

export interface Household {
  /** The chat's key (`platform:chatId`): one household per group chat. */
  readonly id: string;
  readonly chat: ChatRef;
  readonly createdAt: number;
  readonly createdBy: string;
  /**
   * At least one. Members' notices are paid from the first payer's account (the DropPay form is created there and
   * the card names it); a second payer approves them too, and pays their own notices from their own account.
   */
  readonly payers: readonly HouseholdPayer[];
  /** Everyone seen in the chat who is not a payer, in the order they were first seen. */
  readonly members: readonly HouseholdMember[];
}

/** At most two payers: the "add a second payer"; more would make "who pays" unclear on the card. */
export const MAX_PAYERS = 2;

export type Role = "payer" | "member" | "unknown";

export function householdId(chat: ChatRef): string {
  return `${chat.platform}:${chat.chatId}`;
}

export function roleOf(h: Household, userId: string): Role {
  if (h.payers.some((p) => p.userId === userId)) return "payer";
  if (h.members.some((m) => m.userId === userId)) return "member";
  return "unknown";
}

/** Everyone in the household, payers first (no household: nobody). */
export function householdPeople(h: Household | undefined): readonly string[] {
  return h === undefined ? [] : [...h.payers.map((p) => p.userId), ...h.members.map((m) => m.userId)];
}

export function payerOf(h: Household, userId: string): HouseholdPayer | undefined {
  return h.payers.find((p) => p.userId === userId);
}

export function memberOf(h: Household, userId: string): HouseholdMember | undefined {
  return h.members.find((m) => m.userId === userId);
}

/** The payer whose account pays members' notices (the first one). */
export function primaryPayer(h: Household): HouseholdPayer {
  const first = h.payers[0];
  if (first === undefined) throw new Error(`household ${h.id} has no payer`);
  return first;
}

/** A new household: the creator is its payer, from the account they hold. */
export function newHousehold(
  chat: ChatRef,
  creator: Sender,
  account: AccountRef,
  now: number,
): Result<Household, FamilyError> {
  if (chat.kind !== "group") return err(familyError("not_a_group", "a household lives in a group chat"));
  return ok({
    id: householdId(chat),
    chat,
    createdAt: now,
    createdBy: creator.userId,
    payers: [{ userId: creator.userId, name: creator.name, account, since: now }],
    members: [],
  });
}

/**
 * Someone spoke in the chat: a person not seen before becomes a member with a cap of 0; a known person's
 * display name is refreshed. Undefined when nothing changes (so the store writes nothing).
 */
export function noteSeen(h: Household, who: Sender, now: number): Household | undefined {
  const payer = payerOf(h, who.userId);
  if (payer !== undefined) {
    if (payer.name === who.name) return undefined;
    return { ...h, payers: h.payers.map((p) => (p.userId === who.userId ? { ...p, name: who.name } : p)) };
  }
  const member = memberOf(h, who.userId);
  if (member === undefined) {
    const added: HouseholdMember = { userId: who.userId, name: who.name, capCents: 0 as Cents, firstSeenAt: now };
    return { ...h, members: [...h.members, added] };
  }
  if (member.name === who.name) return undefined;
  return { ...h, members: h.members.map((m) => (m.userId === who.userId ? { ...m, name: who.name } : m)) };
}

const requirePayer = (h: Household, userId: string, what: string): Result<HouseholdPayer, FamilyError> => {
  const payer = payerOf(h, userId);
  return payer === undefined ? err(familyError("not_a_payer", `only a payer may ${what}`)) : ok(payer);
};

/**
 * A payer hands their role to a member, who pays from their own account from now on; the former payer becomes a
 * member with a cap of 0 (the new payer decides theirs).
 */
export function handOver(
  h: Household,
  byUserId: string,
  toUserId: string,
  account: AccountRef,
  now: number,
): Result<Household, FamilyError> {
  const by = requirePayer(h, byUserId, "hand the payer role over");
  if (!by.ok) return by;
  if (byUserId === toUserId) return err(familyError("same_person", "a payer cannot hand the role to themselves"));
  if (payerOf(h, toUserId) !== undefined) return err(familyError("already_payer", "that person is a payer already"));
  const to = memberOf(h, toUserId);
  if (to === undefined) return err(familyError("unknown_member", "that person has not been seen in this chat"));
  const former: HouseholdMember = {
    userId: by.value.userId,
    name: by.value.name,
    capCents: 0 as Cents,
    firstSeenAt: now,
  };
  const incoming: HouseholdPayer = { userId: to.userId, name: to.name, account, since: now };
  return ok({
    ...h,
    // The new payer takes the former one's place (so the primary stays primary).
    payers: h.payers.map((p) => (p.userId === byUserId ? incoming : p)),
    members: [...h.members.filter((m) => m.userId !== toUserId), former],
  });
}

/** A payer adds a second payer, who may approve members' notices and pays their own from their own account. */
export function addPayer(
  h: Household,
  byUserId: string,
  userId: string,
  account: AccountRef,
  now: number,
): Result<Household, FamilyError> {
  const by = requirePayer(h, byUserId, "add a payer");
  if (!by.ok) return by;
  if (payerOf(h, userId) !== undefined) return err(familyError("already_payer", "that person is a payer already"));
  const member = memberOf(h, userId);
  if (member === undefined) return err(familyError("unknown_member", "that person has not been seen in this chat"));
  if (h.payers.length >= MAX_PAYERS)
    return err(familyError("already_payer", `a household has at most ${MAX_PAYERS} payers`));
  return ok({
    ...h,
    payers: [...h.payers, { userId, name: member.name, account, since: now }],
    members: h.members.filter((m) => m.userId !== userId),
  });
}

/** A payer steps down (only when another payer remains); they stay as a member with a cap of 0. */
export function removePayer(
  h: Household,
  byUserId: string,
  userId: string,
  now: number,
): Result<Household, FamilyError> {
  const by = requirePayer(h, byUserId, "remove a payer");
  if (!by.ok) return by;
  const leaving = payerOf(h, userId);
  if (leaving === undefined) return err(familyError("not_a_payer", "that person is not a payer"));
  if (h.payers.length <= 1) return err(familyError("last_payer", "a household needs a payer"));
  return ok({
    ...h,
    payers: h.payers.filter((p) => p.userId !== userId),
    members: [...h.members, { userId, name: leaving.name, capCents: 0 as Cents, firstSeenAt: now }],
  });
}

/** A payer sets a member's monthly cap (in cents; 0 means every notice waits for a payer). */
export function setCap(
  h: Household,
  byUserId: string,
  memberId: string,
  capCents: number,
): Result<Household, FamilyError> {
  const by = requirePayer(h, byUserId, "set a cap");
  if (!by.ok) return by;
  if (!Number.isSafeInteger(capCents) || capCents < 0)
    return err(familyError("cap_invalid", "a cap is whole cents, ≥ 0"));
  if (payerOf(h, memberId) !== undefined) return err(familyError("already_payer", "a payer has no cap"));
  if (memberOf(h, memberId) === undefined) return err(familyError("unknown_member", "that person has not been seen"));
  return ok({
    ...h,
    members: h.members.map((m) => (m.userId === memberId ? { ...m, capCents: capCents as Cents } : m)),
  });
}

/**
 * How a notice posted by `requesterId` gets paid, given what the member has already spent (or reserved) this
 * month. Advisory for the card: the cap's reservation (caps.ts) is what decides, atomically, at the press.
 * - `payer`: the requester is a payer and pays from their own account;
 * - `alone`: a member under their cap pays alone, from the primary payer's account;
 * - `approval`: a payer must approve (cap 0, or this notice would go over it).
 */
export type PaymentRoute =
  | { readonly kind: "payer"; readonly payer: HouseholdPayer }
  | { readonly kind: "alone"; readonly payer: HouseholdPayer; readonly remainingCents: Cents }
  | {
      readonly kind: "approval";
      readonly payer: HouseholdPayer;
      readonly approvers: readonly HouseholdPayer[];
      readonly reason: "no_cap" | "over_cap";
    };

export function routeFor(h: Household, requesterId: string, totalCents: Cents, spentCents: Cents): PaymentRoute {
  const own = payerOf(h, requesterId);
  if (own !== undefined) return { kind: "payer", payer: own };
  const payer = primaryPayer(h);
  const cap = memberOf(h, requesterId)?.capCents ?? 0;
  if (cap === 0) return { kind: "approval", payer, approvers: h.payers, reason: "no_cap" };
  const remaining = Math.max(0, cap - spentCents) as Cents;
  if (totalCents <= remaining) return { kind: "alone", payer, remainingCents: remaining };
  return { kind: "approval", payer, approvers: h.payers, reason: "over_cap" };
}

/** Who may press "Paga" on their own notice without an approval: a payer, or a member with a cap above 0. */
export function mayPayAlone(h: Household, userId: string): boolean {
  if (payerOf(h, userId) !== undefined) return true;
  return (memberOf(h, userId)?.capCents ?? 0) > 0;
}

/**
 * May `presserId` approve (or refuse) the notice `requesterId` posted? Only a payer, and this returns which one
 * (for "approvato da Anna"); the money comes from the account the card names (`routeFor(...).payer`). A member
 * pressing gets `not_a_payer` (a polite alert; nothing moves).
 */
export function mayApprove(h: Household, presserId: string, requesterId: string): Result<HouseholdPayer, FamilyError> {
  const payer = payerOf(h, presserId);
  if (payer === undefined) return err(familyError("not_a_payer", "only a payer may approve"));
  if (presserId === requesterId) return err(familyError("own_request", "a payer's own notice needs no approval"));
  return ok(payer);
}

/** The payers who must approve a member's notice (what the card names: "Serve l'approvazione di Anna"). */
export function approversOf(h: Household): readonly HouseholdPayer[] {
  return h.payers;
}
