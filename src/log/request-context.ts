import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The request id of the inbound event being handled, carried through its async work (the scan, the card) without
 * threading it through every call; the payment record keeps it from then on (PaymentRecord.requestId).
 */
const current = new AsyncLocalStorage<string>();

/** Runs `work` (and everything it starts) as part of request `requestId`. */
export function withRequestId<T>(requestId: string, work: () => T): T {
  return current.run(requestId, work);
}

/** The request id of the event being handled here, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore();
}
