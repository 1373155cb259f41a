import { setTimeout as sleepFor } from "node:timers/promises";
import type { Family } from "../family/family.ts";
import { messagesFor } from "../i18n/t.ts";
import type { Logger } from "../log/logger.ts";
import type { Locale } from "../notice/money.ts";
import type { Engine } from "./api.ts";
import { type Clock, systemClock } from "./clock.ts";
import { defaultTiming, type EngineContext, type EngineTiming, localeOf, say } from "./context.ts";
import type { DueDateReader } from "./due-date-port.ts";
import type { EventAck, InboundEvent } from "./events.ts";
import { pressChoose } from "./flows/choices.ts";
import { handleCommand, setLanguage } from "./flows/commands.ts";
import { pressPay } from "./flows/confirm-payment.ts";
import { noteSeen } from "./flows/family.ts";
import { pressReceipt } from "./flows/family-lists.ts";
import { handleFiles, handleText, pressTypeCodes, showReading } from "./flows/intake.ts";
import { refreshLink } from "./flows/linking.ts";
import { pressBook, pressCancel, pressRefuse, pressRetry, pressSchedule } from "./flows/manage-payment.ts";
import { recoverPayment } from "./flows/recover-payment.ts";
import { type RefreshOutcome, type RefreshTrigger, refreshPayment } from "./flows/refresh-payment.ts";
import { fireReminders, pressDontRemind, pressRemind } from "./flows/reminders.ts";
import type { PaymentGateway } from "./gateway-port.ts";
import { chatKey, newId, seenKeyOf } from "./ids.ts";
import { createLeaseKeeper } from "./lease.ts";
import { createOutbox } from "./outbox.ts";
import { overviewOf } from "./read-api.ts";
import type { ScheduleEntry } from "./records.ts";
import { requestLogger } from "./request-log.ts";
import type { NoticeScanner } from "./scanner-port.ts";
import type { EngineStore } from "./store-port.ts";
import type { WebhookUrls } from "./webhook-port.ts";

/** What the engine is built from; everything outside it arrives through these ports. */
export interface EngineDeps {
  readonly store: EngineStore;
  readonly gateway: PaymentGateway;
  readonly scanner: NoticeScanner;
  readonly webhooks: WebhookUrls;
  readonly logger: Logger;
  readonly clock?: Clock;
  readonly defaultLocale?: Locale;
  /** The family domain over the same store backend (households in group chats); unset, there are none. */
  readonly family?: Family;
  /** Reads a household photo's printed due date after its card is shown; unset, only typed dates count. */
  readonly dueDates?: DueDateReader;
  readonly timing?: Partial<EngineTiming>;
  /** Waits used by retries and the outbox (tests of backoff inject fake ones). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The engine as the composition root, the webhook listener and the reconciler see it. */
export interface EngineRuntime extends Engine {
  /** A PSP webhook for this payment passed its credentials: re-read the form (never trust the body). */
  onFormChanged(paymentId: string): void;
  /** A Connection webhook passed its credentials: re-read the Connection. */
  onLinkChanged(linkId: string): void;
  /** Re-reads one scheduled item (the reconciler's unit of work). */
  refresh(entry: Pick<ScheduleEntry, "kind" | "id">, trigger: RefreshTrigger): Promise<RefreshOutcome>;
  /** Payments in flight (a flow under way, or views not all queued): what `recover` is for. */
  inflight(): Promise<string[]>;
  /**
   * Takes over one payment in flight if its flow's holder is gone (dead or stopped), and brings it and its chat
   * to where its record says. False when a live holder has it.
   */
  recover(paymentId: string): Promise<boolean>;
  /**
   * Sends the household reminders due at the clock's now, each once across passes, restarts and replicas
   * (the reconciler's tick calls it); resolves to how many this call sent.
   */
  remind(): Promise<number>;
  /** Sends what the outbox kept from before a restart. */
  start(): Promise<void>;
  /**
   * Stops: waits up to `graceMs` (default 0) for the work already accepted (a scan, a press's flow) and for the
   * outbox to flush, then stops sending and hands over what is still under way: the leases this process holds
   * are let go (the work stays marked in flight and its deliveries pending, and the next process or another
   * replica takes it over at once).
   */
  stop(options?: { readonly graceMs?: number }): Promise<void>;
}

/** How often the store's pending deliveries are looked over for ones a dead replica left. */
const ORPHAN_LOOK_MS = 2_000;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  sleepFor(ms, undefined, signal === undefined ? {} : { signal }).catch(() => {});

/** Creates the conversation engine. */
export function createEngine(deps: EngineDeps): EngineRuntime {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger.child({ module: "engine" });
  const sleep = deps.sleep ?? defaultSleep;
  const tasks = new Set<Promise<void>>();
  const chains = new Map<string, Promise<void>>();
  const refreshing = new Map<string, { again: boolean }>();
  /** Texts and files this process accepted and has not finished (not yet marked seen in the store). */
  const accepted = new Set<string>();
  const locks = new Map<string, Promise<unknown>>();
  const leases = createLeaseKeeper(deps.store, newId());
  const outbox = createOutbox({ store: deps.store, clock, logger, leases, sleep });
  let adopting: NodeJS.Timeout | undefined;

  const track = (promise: Promise<void>) => {
    tasks.add(promise);
    void promise.finally(() => tasks.delete(promise));
  };
  const background = (label: string, work: () => Promise<void>) => {
    track(work().catch((error: unknown) => logger.error("background work failed", { work: label, error })));
  };
  const ctx: EngineContext = {
    store: deps.store,
    gateway: deps.gateway,
    scanner: deps.scanner,
    webhooks: deps.webhooks,
    clock,
    logger,
    outbox,
    timing: { ...defaultTiming, ...deps.timing },
    defaultLocale: deps.defaultLocale ?? "it",
    ...(deps.family === undefined ? {} : { family: deps.family }),
    ...(deps.dueDates === undefined ? {} : { dueDates: deps.dueDates }),
    leases,
    background,
    sleep: (ms) => sleep(ms),
    exclusive(key, work) {
      const previous = locks.get(key) ?? Promise.resolve();
      const next = previous.then(work, work);
      const settled = next.catch(() => {});
      locks.set(key, settled);
      void settled.then(() => {
        if (locks.get(key) === settled) locks.delete(key);
      });
      return next;
    },
  };

  /** The context an inbound event's work is given: the engine's, with a request id of its own. */
  const forRequest = (): EngineContext => ({ ...ctx, requestId: newId() });

  /** One chat's texts, files and commands run one after another, in the order they came. */
  const inChatOrder = (key: string, locale: Locale, chat: InboundEvent["chat"], work: () => Promise<void>) => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(work).catch(async (error: unknown) => {
      logger.error("handling an event failed", { chat: key, error });
      await say(ctx, chat, messagesFor(locale).errors.generic).catch(() => {});
    });
    chains.set(key, next);
    track(next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  };

  const pressButton = async (
    ctx: EngineContext,
    event: Extract<InboundEvent, { type: "button" }>,
    locale: Locale,
  ): Promise<EventAck> => {
    const button = await deps.store.buttons.get(event.ref);
    if (button === undefined) return { toast: messagesFor(locale).toast.expired };
    switch (button.action) {
      case "pay":
        return pressPay(ctx, button.paymentId, button.cardVersion, event.from);
      case "approve":
        return pressPay(ctx, button.paymentId, button.cardVersion, event.from, { approving: true });
      case "refuse":
        return pressRefuse(ctx, button.paymentId, button.cardVersion, event.from);
      case "remind":
        return pressRemind(ctx, button.paymentId, event.from);
      case "dont_remind":
        return pressDontRemind(ctx, button.paymentId);
      case "receipt":
        return pressReceipt(ctx, button.paymentId, event.eventId ?? event.ref);
      case "cancel":
        return pressCancel(ctx, button.paymentId, event.from);
      case "book":
        return pressBook(ctx, button.paymentId, button.cardVersion, event.from);
      case "schedule":
        return pressSchedule(ctx, button.paymentId, button.cardVersion, event.from);
      case "retry":
        return pressRetry(ctx, button.paymentId, event.from);
      case "choose":
        return pressChoose(ctx, button.choiceId, button.index, event.from);
      case "type_codes":
        await pressTypeCodes(ctx, event.chat, event.from, locale);
        return {};
      case "language":
        await setLanguage(ctx, event.chat, event.from, button.locale);
        return {};
    }
  };

  /** Coalesces re-reads of one item: while one runs, further prompts make it run once more, not in parallel. */
  const refreshOnce = (kind: ScheduleEntry["kind"], id: string, trigger: RefreshTrigger) => {
    const key = `${kind}:${id}`;
    const running = refreshing.get(key);
    if (running !== undefined) {
      running.again = true;
      return;
    }
    const state = { again: false };
    refreshing.set(key, state);
    background(`refresh ${kind}`, async () => {
      try {
        do {
          state.again = false;
          const outcome = await runtime.refresh({ kind, id }, trigger);
          if (outcome === "wait") {
            // The create answer is not in yet (payments.md R3): the reconciler looks again shortly.
            await deps.store.schedule.update(key, (e) => ({ ...e, dueAt: clock.now() + ctx.timing.webhookWaitMs }));
          }
        } while (state.again);
      } finally {
        refreshing.delete(key);
      }
    });
  };

  const runtime: EngineRuntime = {
    async handle(event) {
      // Each inbound event is a request: its id is on every log line of its work, and on the payment it opens.
      const ctx = forRequest();
      requestLogger(ctx).info("event accepted", { type: event.type, platform: event.chat.platform });
      const seenKey = event.eventId === undefined ? undefined : seenKeyOf({ chat: event.chat, eventId: event.eventId });
      // Marked seen once its work is durable, so that a kill before that and the platform's redelivery do it
      // again: a press once its claim is recorded (the claim makes a second run harmless); a text or files once
      // handled (the card recorded, the answer queued; a notice done twice resumes its one card, in the same
      // progress slot). A command is marked at once (a second /collega would make a second request).
      const markedLate = event.type === "button" || event.type === "text" || event.type === "files";
      if (seenKey !== undefined) {
        const first = markedLate
          ? (await deps.store.events.get(seenKey)) === undefined && !accepted.has(seenKey)
          : await deps.store.events.create(seenKey, { at: clock.now() });
        if (!first) return {};
        // A redelivery while this process still works on a text or files is not done twice.
        if (event.type === "text" || event.type === "files") accepted.add(seenKey);
      }
      const locale = await localeOf(ctx, event.chat.platform, event.from);
      // A household learns its members by their speaking in the group (a new one's cap is 0).
      await noteSeen(ctx, event.chat, event.from);
      const key = chatKey(event.chat);
      const ref = seenKey ?? newId();
      /** Runs a text's or files' work, and marks the event seen once it is done (or answered with an error). */
      const thenSeen = (work: () => Promise<void>) => async () => {
        try {
          await work();
        } finally {
          if (seenKey !== undefined) {
            await deps.store.events.create(seenKey, { at: clock.now() });
            accepted.delete(seenKey);
          }
        }
      };
      switch (event.type) {
        case "button":
          try {
            const ack = await pressButton(ctx, event, locale);
            if (seenKey !== undefined) await deps.store.events.create(seenKey, { at: clock.now() });
            return ack;
          } catch (error) {
            logger.error("button failed", { error });
            return { toast: messagesFor(locale).errors.generic };
          }
        case "command":
          inChatOrder(key, locale, event.chat, async () => {
            await handleCommand(ctx, event.chat, event.from, event.name, event.args, locale, event.replyToUserId);
          });
          return {};
        case "text":
          inChatOrder(
            key,
            locale,
            event.chat,
            thenSeen(() => handleText(ctx, event.chat, event.from, event.text, locale, ref)),
          );
          return {};
        case "files": {
          const slot = await showReading(ctx, event.chat, locale, ref).catch((error: unknown) => {
            if (seenKey !== undefined) accepted.delete(seenKey); // not accepted after all: a redelivery may try
            throw error;
          });
          inChatOrder(
            key,
            locale,
            event.chat,
            thenSeen(() => handleFiles(ctx, event.chat, event.from, event.files, locale, slot)),
          );
          return {};
        }
      }
    },
    registerPort(port) {
      outbox.registerPort(port);
    },
    overview(person) {
      return overviewOf(ctx, person);
    },
    async drain() {
      for (;;) {
        await Promise.all([...tasks]);
        await outbox.idle();
        if (tasks.size === 0) return;
      }
    },
    onFormChanged(paymentId) {
      refreshOnce("payment", paymentId, "webhook");
    },
    onLinkChanged(linkId) {
      refreshOnce("link", linkId, "webhook");
    },
    refresh(entry, trigger) {
      return entry.kind === "payment" ? refreshPayment(ctx, entry.id, trigger) : refreshLink(ctx, entry.id);
    },
    inflight: () => deps.store.inflight.ids(),
    recover: (paymentId) => recoverPayment(ctx, paymentId),
    remind: () => fireReminders(ctx),
    async start() {
      // Reminders stored before the due index are read once from their day buckets and indexed, or none would fire.
      if (ctx.family !== undefined) {
        const adopted = await ctx.family.reminders.adoptDayBuckets();
        if (adopted > 0) logger.info("reminders from before the due index indexed", { count: adopted });
      }
      await outbox.resume();
      // Deliveries a dead replica queued in its memory: any live one sends them within seconds.
      adopting = setInterval(() => {
        outbox.adoptOrphans().catch((error: unknown) => logger.error("adopting deliveries failed", { error }));
      }, ORPHAN_LOOK_MS);
      adopting.unref();
    },
    async stop(options = {}) {
      const graceMs = options.graceMs ?? 0;
      if (graceMs > 0) {
        const timeout = new AbortController();
        await Promise.race([runtime.drain(), sleep(graceMs, timeout.signal)]);
        timeout.abort();
      }
      clearInterval(adopting);
      outbox.stop();
      await leases.releaseAll();
    },
  };
  return runtime;
}
