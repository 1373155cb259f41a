import type { ChatRef, Sender } from "../engine/events.ts";
import { err, ok, type Result } from "../notice/result.ts";
import { type FamilyError, familyError } from "./errors.ts";
import {
  type AccountRef,
  addPayer,
  type Household,
  handOver,
  householdId,
  newHousehold,
  noteSeen,
  removePayer,
  setCap,
} from "./household.ts";
import type { FamilyStore } from "./store.ts";

/**
 * Households in the store. Every change is one of household.ts's pure transitions applied inside the store's
 * compare-and-set, so two payers acting at once (two replicas) never lose each other's change.
 */
export interface Households {
  get(chat: ChatRef): Promise<Household | undefined>;
  /** /famiglia: creates the chat's household with the creator as payer; an existing one is returned unchanged. */
  create(
    chat: ChatRef,
    creator: Sender,
    account: AccountRef,
    now: number,
  ): Promise<Result<{ readonly created: boolean; readonly household: Household }, FamilyError>>;
  /** Records that someone spoke in the chat (a new member with a cap of 0); no write when nothing changed. */
  noteSeen(chat: ChatRef, who: Sender, now: number): Promise<Household | undefined>;
  handOver(
    chat: ChatRef,
    by: string,
    to: string,
    account: AccountRef,
    now: number,
  ): Promise<Result<Household, FamilyError>>;
  addPayer(
    chat: ChatRef,
    by: string,
    userId: string,
    account: AccountRef,
    now: number,
  ): Promise<Result<Household, FamilyError>>;
  removePayer(chat: ChatRef, by: string, userId: string, now: number): Promise<Result<Household, FamilyError>>;
  setCap(chat: ChatRef, by: string, memberId: string, capCents: number): Promise<Result<Household, FamilyError>>;
}

export function createHouseholds(store: FamilyStore): Households {
  /** Applies a transition atomically; the transition's refusal comes back as is. */
  const change = async (
    chat: ChatRef,
    transition: (h: Household) => Result<Household, FamilyError>,
  ): Promise<Result<Household, FamilyError>> => {
    let refused: FamilyError | null = null;
    const result = await store.households.update(householdId(chat), (current) => {
      refused = null;
      const next = transition(current);
      if (next.ok) return next.value;
      refused = next.error;
      return undefined;
    });
    if (result.applied) return ok(result.value);
    if (result.value === undefined) return err(familyError("no_household", "no household in this chat"));
    return err(refused ?? familyError("no_household", "the household did not change"));
  };
  return {
    get: (chat) => store.households.get(householdId(chat)),
    async create(chat, creator, account, now) {
      const fresh = newHousehold(chat, creator, account, now);
      if (!fresh.ok) return fresh;
      if (await store.households.create(fresh.value.id, fresh.value))
        return ok({ created: true, household: fresh.value });
      const existing = await store.households.get(fresh.value.id);
      if (existing === undefined) return err(familyError("no_household", "the household vanished while created"));
      return ok({ created: false, household: existing });
    },
    async noteSeen(chat, who, now) {
      const result = await store.households.update(householdId(chat), (h) => noteSeen(h, who, now));
      return result.value;
    },
    handOver: (chat, by, to, account, now) => change(chat, (h) => handOver(h, by, to, account, now)),
    addPayer: (chat, by, userId, account, now) => change(chat, (h) => addPayer(h, by, userId, account, now)),
    removePayer: (chat, by, userId, now) => change(chat, (h) => removePayer(h, by, userId, now)),
    setCap: (chat, by, memberId, capCents) => change(chat, (h) => setCap(h, by, memberId, capCents)),
  };
}
