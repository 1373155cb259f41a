import { addCents } from "../notice/money.ts";
import type { PaymentForm, PspStatus } from "./gateway-port.ts";
import type { Figures, PaymentPhase } from "./records.ts";

/**
 * The PSP's statuses in the only order they may be applied (payments.md R2): a form moves forward, never back,
 * and never out of a final status. Statuses of equal rank are alternatives (READY or BOOKED; the finals).
 */
const rank: Record<PspStatus, number> = {
  DRAFT: 0,
  READY: 1,
  BOOKED: 1,
  SCHEDULED: 2,
  RUNNING: 3,
  PROMISED: 4,
  PAID: 5,
  FAILED: 5,
  DELETED: 5,
  CANCELLED: 5,
  ABORTED: 5,
};

export const FINAL_STATUSES: readonly PspStatus[] = ["PAID", "FAILED", "DELETED", "CANCELLED", "ABORTED"];

export function isFinal(status: PspStatus | null): boolean {
  return status !== null && FINAL_STATUSES.includes(status);
}

/**
 * Whether a status read from the PSP may replace the one we hold. READY ↔ BOOKED ↔ DRAFT moves are ours to make
 * (PATCH) and are accepted while nothing is executing; everything else only moves forward.
 */
export function isForward(current: PspStatus | null, next: PspStatus): boolean {
  if (current === null) return true;
  if (isFinal(current)) return false;
  if (rank[next] <= 1 && rank[current] <= 1) return next !== current;
  return rank[next] > rank[current];
}

/** Statuses that get a short message of their own (besides the card's edit), each at most once. */
export const ANNOUNCED_STATUSES: readonly PspStatus[] = [
  "SCHEDULED",
  "PROMISED",
  "PAID",
  "FAILED",
  "CANCELLED",
  "DELETED",
  "ABORTED",
];

/** The engine's phase once the PSP reports a status: executing while the money moves, closed once final. */
export function phaseAfter(status: PspStatus, current: PaymentPhase): PaymentPhase {
  if (isFinal(status)) return "closed";
  if (status === "SCHEDULED" || status === "RUNNING" || status === "PROMISED") return "executing";
  return current;
}

/** What the person is asked to pay: amount + fee + agio, summed in cents. */
export function figuresOf(form: PaymentForm): Figures {
  return {
    amountCents: form.amountCents,
    feeCents: form.feeCents,
    agioCents: form.agioCents,
    totalCents: addCents(form.amountCents, form.feeCents, form.agioCents),
  };
}

export function sameFigures(a: Figures | null, b: Figures): boolean {
  return (
    a !== null &&
    a.amountCents === b.amountCents &&
    a.feeCents === b.feeCents &&
    a.agioCents === b.agioCents &&
    a.totalCents === b.totalCents
  );
}
