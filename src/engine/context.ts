import type { Family } from "../family/family.ts";
import { localeFromTag } from "../i18n/t.ts";
import type { Logger } from "../log/logger.ts";
import type { Locale } from "../notice/money.ts";
import type { Clock } from "./clock.ts";
import type { DueDateReader } from "./due-date-port.ts";
import type { ChatRef, Platform, Sender } from "./events.ts";
import type { PaymentGateway } from "./gateway-port.ts";
import { newId, personKey } from "./ids.ts";
import type { LeaseKeeper } from "./lease.ts";
import type { Outbox } from "./outbox.ts";
import type { ButtonRecord, PaymentRecord } from "./records.ts";
import type { NoticeScanner } from "./scanner-port.ts";
import type { EngineStore } from "./store-port.ts";
import type { Button } from "./views.ts";
import type { WebhookUrls } from "./webhook-port.ts";

/** Days after which an open card nobody paid is closed (README, "How a payment flows"). */
export const STALE_CARD_DAYS = 7;

/** The engine's timings; tests shorten them, production keeps the defaults. */
export interface EngineTiming {
  /** First reconciler read of a new open form. */
  readonly firstCheckMs: number;
  /** A webhook that arrives before the create answer is looked at again after this (payments.md R3). */
  readonly webhookWaitMs: number;
  /** A confirmation interrupted by a crash is carried out only if younger than this; older ones ask again. */
  readonly confirmationTtlMs: number;
  /**
   * A disposition a live process sent without an answer (timeout, 5xx), with no visible effect after this long,
   * is sent once more (payments.md R8).
   */
  readonly reExecuteAfterMs: number;
  /**
   * A disposition whose sender died (its flow's lease ran out) with the form still READY/BOOKED this long after
   * it: the POST never reached DropPay (the client gives up on it after 10 s), so it is sent once more.
   */
  readonly deadSenderGraceMs: number;
  /**
   * A card nobody pays is closed after this long: its form deleted at DropPay, the card edited to say why and
   * how to send the notice again (it is no longer re-read every 6 hours forever).
   */
  readonly staleCardMs: number;
  /** Waits before retrying a create that met "pagoPA node unavailable" (500/310). */
  readonly createRetryDelaysMs: readonly number[];
}

export const defaultTiming: EngineTiming = {
  firstCheckMs: 30_000,
  webhookWaitMs: 2_000,
  confirmationTtlMs: 10 * 60_000,
  reExecuteAfterMs: 2 * 60_000,
  deadSenderGraceMs: 10_000,
  staleCardMs: STALE_CARD_DAYS * 24 * 60 * 60_000,
  createRetryDelaysMs: [1_000, 3_000],
};

/** What every flow works with. */
export interface EngineContext {
  readonly store: EngineStore;
  readonly gateway: PaymentGateway;
  readonly scanner: NoticeScanner;
  readonly webhooks: WebhookUrls;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly outbox: Outbox;
  readonly timing: EngineTiming;
  readonly defaultLocale: Locale;
  /**
   * Households in group chats (src/family): payers, members' caps, one payment per notice. Unset, every chat
   * works as before (the person who sends a notice pays it from their own account).
   */
  /** Reads a household photo's printed due date (after the card); unset, only typed dates count. */
  readonly dueDates?: DueDateReader;
  readonly family?: Family;
  /** The leases this process holds (a payment's flow): renewed while it lives, let go when it stops. */
  readonly leases: LeaseKeeper;
  /** Runs work after the event is acknowledged; drain() waits for it; failures are logged. */
  background(label: string, work: () => Promise<void>): void;
  /** Waits (between create retries); injected so tests need not wait. */
  sleep(ms: number): Promise<void>;
  /** Runs `work` after any other work under the same key in this process has finished (one at a time per key). */
  exclusive<T>(key: string, work: () => Promise<T>): Promise<T>;
  /**
   * The request id of the inbound event this context handles (request-log.ts): set on the context each event's
   * work is given, and kept on the payment it opens. Passed along rather than kept in an AsyncLocalStorage, whose
   * hooks Node 20 runs on every promise of the process.
   */
  readonly requestId?: string;
}

/** The language to answer a person in: their /lingua choice, else their platform's, else the default. */
export async function localeOf(ctx: EngineContext, platform: Platform, from: Sender): Promise<Locale> {
  const person = await ctx.store.people.get(personKey(platform, from.userId));
  return person?.locale ?? localeFromTag(from.locale, ctx.defaultLocale);
}

/** The language for messages about a payment that arrive later (webhooks): the owner's current choice. */
export async function paymentLocale(ctx: EngineContext, payment: PaymentRecord): Promise<Locale> {
  const person = await ctx.store.people.get(personKey(payment.chat.platform, payment.ownerId));
  return person?.locale ?? payment.locale;
}

/** Puts an engine button on a message: its ref is an opaque random id looked up on press (payments.md R11). */
export async function makeButton(
  ctx: EngineContext,
  record: ButtonRecord,
  label: string,
  style?: "primary" | "danger",
): Promise<Button> {
  const ref = newId();
  await ctx.store.buttons.put(ref, record);
  return style === undefined ? { label, ref } : { label, ref, style };
}

/** Slot names: one per message the engine may edit later. */
export const slots = {
  progress: (eventRef: string) => `progress:${eventRef}`,
  card: (paymentId: string) => `card:${paymentId}`,
};

/** Sends a text message (optionally into a slot, replacing what it shows, or to one person only). */
export function say(
  ctx: EngineContext,
  chat: ChatRef,
  text: string,
  options: { slot?: string; id?: string; audience?: { userId: string } } = {},
) {
  return ctx.outbox.send({ chat, view: { type: "text", text }, ...options });
}

/**
 * For a message that concerns one person (their file was refused, they must link first) and is no slot's
 * message: in a group it goes to them alone where the platform can (Slack ephemeral); a private chat is theirs.
 */
export function toPerson(chat: ChatRef, userId: string): { audience?: { userId: string } } {
  return chat.kind === "group" ? { audience: { userId } } : {};
}
