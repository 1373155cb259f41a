import type { Clock } from "../engine/clock.ts";
import { type FamilyStore, type NoticeClaim, noticeKey } from "./store.ts";

/**
 * One payment per notice per household: the first to post a notice (by RptId) claims it with an atomic
 * set-if-absent; whoever posts it again, at once or later, gets the claim back (who is paying it and which
 * payment), so the engine resumes that card ("Marco lo sta già pagando") instead of opening a second one.
 */

export interface ClaimHolder {
  readonly paymentId: string;
  readonly userId: string;
  readonly name: string;
}

export type ClaimOutcome =
  | { readonly won: true; readonly claim: NoticeClaim }
  /** Someone is already paying it: resume their payment. */
  | { readonly won: false; readonly claim: NoticeClaim };

export interface NoticeClaims {
  /**
   * Claims the notice for `holder`. `isOver` says whether a claim found is spent (its payment is closed, or
   * vanished in a crash): then it is taken over, atomically, by this holder.
   */
  claim(
    householdId: string,
    rptId: string,
    holder: ClaimHolder,
    isOver?: (claim: NoticeClaim) => boolean | Promise<boolean>,
  ): Promise<ClaimOutcome>;
  /** Who is paying the notice, if anyone. */
  holder(householdId: string, rptId: string): Promise<NoticeClaim | undefined>;
  /** The payment is final: the notice may be paid again (only by the payment holding it). */
  release(householdId: string, rptId: string, paymentId: string): Promise<boolean>;
}

/** How many times a spent claim is taken over before giving up (only a pathological race gets past 1). */
const MAX_ATTEMPTS = 5;

export function createNoticeClaims(store: FamilyStore, clock: Clock): NoticeClaims {
  return {
    async claim(householdId, rptId, holder, isOver) {
      const key = noticeKey(householdId, rptId);
      const mine: NoticeClaim = { householdId, rptId, ...holder, at: clock.now() };
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (await store.noticeClaims.create(key, mine)) return { won: true, claim: mine };
        const existing = await store.noticeClaims.get(key);
        if (existing === undefined) continue;
        if (existing.paymentId === holder.paymentId) return { won: true, claim: existing };
        if (isOver === undefined || !(await isOver(existing))) return { won: false, claim: existing };
        // Spent: free it only if it is still that claim (another poster may have taken it over already).
        await store.noticeClaims.deleteIf(key, (cur) => cur.paymentId === existing.paymentId);
      }
      const current = await store.noticeClaims.get(key);
      if (current !== undefined) return { won: false, claim: current };
      throw new Error("could not claim the notice");
    },
    holder: (householdId, rptId) => store.noticeClaims.get(noticeKey(householdId, rptId)),
    release: (householdId, rptId, paymentId) =>
      store.noticeClaims.deleteIf(noticeKey(householdId, rptId), (cur) => cur.paymentId === paymentId),
  };
}
