import type { EventAck, InboundEvent } from "./events.ts";
import type { ChatPort } from "./ports.ts";
import type { PaymentOverview, PersonQuery } from "./read-api.ts";

/**
 * The conversation engine as adapters see it. `handle` resolves as soon as the event is accepted (a button's
 * toast is ready, a file's progress message is queued); the slower work (scanning, PSP calls) goes on after,
 * and its results reach the chat through the adapter's ChatPort.
 */
export interface Engine {
  /** Takes one inbound event; redelivered events (same platform and eventId) are ignored. */
  handle(event: InboundEvent): Promise<EventAck>;
  /** Connects a chat surface; views for its platform are delivered through it (via the outbox). */
  registerPort(port: ChatPort): void;
  /**
   * A person's open notices and latest closed payments, worded in their language (Slack's App Home, lists).
   * Read-only; a surface that shows it may refresh it when its port's `paymentChanged` is called.
   */
  overview(person: PersonQuery): Promise<PaymentOverview>;
  /** Resolves when every accepted event's work and every queued delivery has finished (tests, shutdown). */
  drain(): Promise<void>;
}
