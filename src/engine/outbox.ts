import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { setTimeout as sleepFor } from "node:timers/promises";
import type { Logger } from "../log/logger.ts";
import { createChatPacing, type SharedPace } from "./chat-pacing.ts";
import type { Clock } from "./clock.ts";
import type { ChatRef, Platform } from "./events.ts";
import { chatKey, newId } from "./ids.ts";
import type { HeldLease, LeaseKeeper } from "./lease.ts";
import { ChatDeliveryError, type ChatPort, ChatRateLimitError } from "./ports.ts";
import type { Delivery, DeliveryAbout, SlotRecord } from "./records.ts";
import type { EngineStore, StoreStep } from "./store-port.ts";
import { upsert } from "./upsert.ts";
import type { View } from "./views.ts";

/** A view to send. A fixed `id` makes the send idempotent: the same id is stored, and so sent, only once. */
export interface NewDelivery {
  readonly id?: string;
  readonly chat: ChatRef;
  readonly view: View;
  /** The message slot: edited when it already shows a message, else sent and recorded. */
  readonly slot?: string;
  /** Send a new message into the slot even if it shows one (the slot then points at the new message). */
  readonly fresh?: boolean;
  /**
   * The view's version in its slot (a card's cardVersion). Two flows, or two replicas, may queue edits of the same
   * card out of order; an edit older than the one the slot already shows is dropped, so a card never goes back.
   */
  readonly version?: number;
  readonly replyTo?: string;
  /** Post in the thread of this slot's message (the card's), resolved when the delivery is sent. */
  readonly threadOf?: string;
  /** Meant for this person only; never with `slot` (a private view cannot be edited later). */
  readonly audience?: { readonly userId: string };
  /** A payment's view: its sending is logged with the payment's id and request id. */
  readonly about?: DeliveryAbout;
}

export interface Outbox {
  registerPort(port: ChatPort): void;
  /** Stores the delivery (so a crash cannot lose it), then queues it behind the chat's earlier ones. */
  send(delivery: NewDelivery): Promise<void>;
  /** Stores the deliveries together (one round trip), then queues the ones stored now, in the order given. */
  sendAll(deliveries: readonly NewDelivery[]): Promise<void>;
  /**
   * A delivery to store in the same atomic step as another record's change (a payment's, whose views it is): its
   * entry, and the step that stores it with its place on the pending list. Once committed, `queue` sends it.
   */
  stage(delivery: NewDelivery): { readonly entry: Delivery; readonly step: StoreStep };
  /** Queues deliveries a commit stored (staged ones whose ids were free), in the order given. */
  queue(entries: readonly Delivery[]): void;
  /** Queues every delivery stored but not sent (after a restart). */
  resume(): Promise<void>;
  /**
   * Queues here the pending deliveries nobody is sending: still pending at two looks `minAgeMs` apart, not queued
   * in this process, and their chat not being served by a live process (its chat lease is free). A replica that
   * died with deliveries queued in its memory is thus relieved by any live one within seconds, not at a restart.
   */
  adoptOrphans(minAgeMs?: number): Promise<number>;
  /** Shows "working on it" where the platform can; best effort. */
  activity(chat: ChatRef): void;
  /** Tells the person's platform that one of their payments changed (lists to refresh); best effort. */
  paymentChanged(person: { readonly platform: Platform; readonly userId: string }): void;
  /** Resolves when no chat has a delivery queued or in flight. */
  idle(): Promise<void>;
  stop(): void;
}

export interface OutboxDeps {
  readonly store: EngineStore;
  readonly clock: Clock;
  readonly logger: Logger;
  /** This process's leases (a delivery is sent under one, so that two replicas never send it at once). */
  readonly leases: LeaseKeeper;
  /** Waits between retries (injected so that tests of backoff can use fake timers). */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Attempts before a delivery that keeps failing (not rate-limited) is given up. */
  readonly maxAttempts?: number;
}

/** The chat's message slots as this run of its queue has read or written them (undefined: no such slot). */
type SlotsSeen = Map<string, SlotRecord | undefined>;

/** One run of a chat's queue, under its lease. */
interface ChatRun {
  readonly key: string;
  readonly queue: ChatQueue;
  /** The chat's lease, once taken. */
  lease: HeldLease | undefined;
  /** The lease (and the pace) went with the last delivery's record of being sent: the run is over. */
  handedOver: boolean;
  readonly slots: SlotsSeen;
  /** Deliveries read together with the lease (`readAhead`), each used by its first attempt only. */
  readonly entries: Map<string, Delivery | undefined>;
  /** Whether this run has taken the chat's pace from the store (once: with the lease, or at its first paced delivery). */
  paced: boolean;
}

/** A queued delivery, and the message slots it goes to or replies in (read ahead with the chat's lease). */
interface Queued {
  readonly id: string;
  readonly slots: readonly string[];
}

interface ChatQueue {
  readonly chat: ChatRef;
  readonly items: Queued[];
  running: boolean;
}

/** What a run reads with its lease: the queued deliveries, their slots and (where the platform paces) the pace. */
interface ReadAhead {
  readonly entries: ReadonlyMap<string, Delivery | undefined>;
  readonly slots: ReadonlyMap<string, SlotRecord | undefined>;
  readonly pace?: SharedPace | undefined;
}

/** How often a chat served by another live process is looked at again. */
const LEASE_RETRY_MS = 1_000;

/**
 * The lease of a chat's outgoing queue: one process at a time sends a chat's deliveries (so no delivery needs a
 * lease of its own), order and pacing hold across replicas, and a chat whose lease is free has nobody sending to
 * it (what `adoptOrphans` looks for).
 */
export const chatOutLease = (key: string) => `chat-out:${key}`;

const defaultSleep = (ms: number, signal: AbortSignal) => sleepFor(ms, undefined, { signal }).catch(() => {});

/**
 * Whether the slot's record proves its message shows the view it names, for this edit: the record is of the
 * version just before this one. A slot's view is recorded in the same step as the delivery that put it there is
 * recorded sent, so an edit that died on its way (the platform may have taken it) left the slot at a version
 * before its own, and any later version does not see the one before it there: its edit goes out. (An edit with no
 * version takes the view out of the record before it goes.) Versions a card skipped only cost an edit that changes
 * nothing.
 */
function showsPrevious(slot: SlotRecord, entry: Delivery): boolean {
  return entry.version !== null && slot.version === entry.version - 1;
}

/** Fingerprints already taken, per view object (a delivery's view is compared, then recorded once sent). */
const hashes = new WeakMap<View, string>();

/** A view's fingerprint, kept with its slot: equal for views that render alike, as JSON is built the same way. */
function viewHash(view: View): string {
  let hash = hashes.get(view);
  if (hash === undefined) {
    hash = createHash("sha256").update(JSON.stringify(view)).digest("base64url");
    hashes.set(view, hash);
  }
  return hash;
}

/**
 * The outbox: every outgoing view is stored before it is sent and removed from the pending list only once the
 * platform accepted it, so a crash or a 429 loses nothing; each chat is served in order, one delivery at a
 * time, paced by its port and by the platform's Retry-After. A delivery id is stored once, so a status
 * announced twice (two webhooks, two replicas) is sent once. Edits into a slot are idempotent.
 */
export function createOutbox(deps: OutboxDeps): Outbox {
  const { store, logger } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const maxAttempts = deps.maxAttempts ?? 10;
  const ports = new Map<Platform, ChatPort>();
  const queues = new Map<string, ChatQueue>();
  const parked = new Map<Platform, string[]>();
  const idleWaiters: (() => void)[] = [];
  const stopping = new AbortController();
  // Every chat waiting its turn (pacing, a Retry-After, another replica's lease) listens for the stop: many at once.
  setMaxListeners(0, stopping.signal);
  let seq = 0;
  /** Ids queued or being sent here (`adoptOrphans` skips them without a store read). */
  const known = new Set<string>();
  /** When `adoptOrphans` first saw a pending delivery that was not known here (monotonic ms). */
  const firstSeen = new Map<string, number>();

  const pacing = createChatPacing();
  const queueOf = (chat: ChatRef) => {
    const key = chatKey(chat);
    let queue = queues.get(key);
    if (queue === undefined) {
      queue = { chat, items: [], running: false };
      queues.set(key, queue);
    }
    return queue;
  };
  const isIdle = () => [...queues.values()].every((q) => !q.running && q.items.length === 0);
  const settleIdle = () => {
    if (!isIdle()) return;
    for (const resolve of idleWaiters.splice(0)) resolve();
  };

  /**
   * Queues deliveries behind their chats' others, then starts the chats' runs: all of them are queued first, so a
   * run reads every one of them ahead with its lease (a payment's card edit and its announcement, in one round
   * trip). Each entry's slots are read ahead too.
   */
  const enqueueAll = (entries: readonly Pick<Delivery, "id" | "chat" | "slot" | "threadOf">[]) => {
    // Stopped: the deliveries stay pending in the store, for the next process (or another replica) to send.
    if (stopping.signal.aborted) return;
    const touched = new Map<string, ChatQueue>();
    for (const { id, chat, slot, threadOf } of entries) {
      const queue = queueOf(chat);
      const slots = [slot, threadOf].filter((s): s is string => typeof s === "string");
      if (!queue.items.some((item) => item.id === id)) queue.items.push({ id, slots });
      known.add(id);
      touched.set(chatKey(chat), queue);
    }
    for (const [key, queue] of touched) void run(key, queue);
  };

  /** What is kept of a sent delivery: enough to recognise its id (a month), not its view. */
  const sentOf = ({ view: _sent, ...e }: Delivery, messageId: string | null): Delivery => ({
    ...e,
    state: "sent",
    messageId,
  });
  const pendingPlace = (id: string) => ({ set: store.pendingDeliveries.set, member: id });

  /**
   * Records a delivery as sent and takes it off the pending list, in one atomic step with `along` (the chat's
   * lease and pace, when it is the run's last); false when its record is gone (expired, or never stored), and
   * only its place on the pending list was left to remove.
   */
  const markSent = async (id: string, messageId: string | null, along: readonly StoreStep[] = []) => {
    const result = await store.outbox.updateAlong(
      id,
      (entry) => sentOf(entry, messageId),
      async () => [{ kind: "due-remove", place: pendingPlace(id) }, ...along],
    );
    if (!result.applied) await store.pendingDeliveries.remove(id);
    return result.applied;
  };

  /** What the slot shows once the platform took this view: its message, its version (never lower), the view's hash. */
  const slotShowing = (entry: Delivery, view: View, messageId: string) => {
    const version = entry.version ?? undefined;
    const shown = viewHash(view);
    return {
      created: { messageId, ...(version === undefined ? {} : { version }), viewHash: shown },
      change: (current: SlotRecord): SlotRecord => ({
        messageId,
        ...(version === undefined && current.version === undefined
          ? {}
          : { version: Math.max(version ?? 0, current.version ?? 0) }),
        viewHash: shown,
      }),
    };
  };

  /**
   * Records what the delivery did, in one atomic step: what its slot now shows (the platform took the view), the
   * delivery sent and off the pending list, and `along`. A slot with no record yet (a card's first message) is
   * created first, then the delivery is marked sent. False when the delivery's record was gone.
   */
  const finish = async (
    id: string,
    entry: Delivery,
    view: View,
    messageId: string | null,
    seen: SlotsSeen,
    along: readonly StoreStep[] = [],
  ): Promise<boolean> => {
    if (messageId === null || entry.slot === null) return markSent(id, messageId, along);
    const { created, change } = slotShowing(entry, view, messageId);
    const recorded = await store.slots.updateAlong(entry.slot, change, async () => [
      // Under the chat's lease nobody else writes its deliveries: the sent record needs no compare of its own.
      store.outbox.along.put(id, sentOf(entry, messageId)),
      { kind: "due-remove", place: pendingPlace(id) },
      ...along,
    ]);
    if (recorded.applied) {
      seen.set(entry.slot, recorded.value);
      return true;
    }
    seen.set(entry.slot, await upsert(store.slots, entry.slot, created, change));
    return markSent(id, messageId, along);
  };

  /**
   * Finishes a delivery the platform took (or that is given up). The run's last one takes the chat's pace and
   * lease with it, in the same atomic step: one write less, and the chat is free for any replica the moment its
   * last delivery is recorded.
   */
  const finishRun = async (
    chatRun: ChatRun,
    id: string,
    entry: Delivery,
    view: View,
    messageId: string | null,
  ): Promise<void> => {
    const lease = chatRun.lease;
    if (lease === undefined || chatRun.queue.items.length > 1) {
      await finish(id, entry, view, messageId, chatRun.slots);
      return;
    }
    chatRun.handedOver = true;
    await lease.releaseAlong(async (leaseSteps) => {
      const pace = chatRun.paced ? pacing.handOver(chatRun.key, performance.now(), Date.now()) : undefined;
      const paceSteps = pace === undefined ? [] : [store.chatPaces.along.put(chatRun.key, pace)];
      const wrote = await finish(id, entry, view, messageId, chatRun.slots, [...paceSteps, ...leaseSteps]);
      // Not written with it: the pace is left on its own, before the lease goes.
      if (!wrote && pace !== undefined) await store.chatPaces.put(chatRun.key, pace).catch(() => {});
      return wrote;
    });
  };

  /**
   * Tries one delivery, under the chat's lease (the only sender of this chat's deliveries); "next" moves the queue
   * on, "again" retries the same one.
   */
  const attempt = async (chatRun: ChatRun, id: string): Promise<"next" | "again"> => {
    const { key, slots: seen } = chatRun;
    const slotOf = async (slotId: string) => {
      if (!seen.has(slotId)) seen.set(slotId, await store.slots.get(slotId));
      return seen.get(slotId);
    };
    // Read afresh, under the lease: another process may have sent it (it resumed the pending list, or served the
    // chat before). The first attempt uses the read made with the lease; a retry reads again.
    const entry = chatRun.entries.has(id) ? chatRun.entries.get(id) : await store.outbox.get(id);
    chatRun.entries.delete(id);
    if (entry === undefined || entry.state === "sent" || entry.view === undefined) {
      await store.pendingDeliveries.remove(id);
      return "next";
    }
    const view = entry.view;
    const port = ports.get(entry.chat.platform);
    if (port === undefined) {
      // Kept pending: it goes out when the adapter registers (or after the next restart).
      parked.set(entry.chat.platform, [...(parked.get(entry.chat.platform) ?? []), id]);
      return "next";
    }
    // Pacing is about the platform's limits in real time, not business time: the monotonic clock.
    const pace = port.pace?.(entry.chat);
    if (pace !== undefined) {
      if (!chatRun.paced) {
        chatRun.paced = true;
        await takePace(key);
      }
      const wait = pacing.waitMs(key, pace, performance.now());
      if (wait > 0) await sleep(wait, stopping.signal);
    }
    const slot = entry.slot === null ? undefined : await slotOf(entry.slot);
    if (!entry.fresh && entry.version !== null && slot?.version !== undefined && entry.version < slot.version) {
      // A newer version of this card is already on screen: this edit arrived late.
      await markSent(id, slot.messageId);
      return "next";
    }
    if (entry.slot !== null && !entry.fresh && slot?.viewHash !== undefined) {
      if (slot.viewHash === viewHash(view) && showsPrevious(slot, entry)) {
        // The message shows this very view already (two changes the card renders alike, e.g. "In corso…" before
        // and after DropPay takes the disposition): an edit would change nothing and spend the platform's rate.
        await finishRun(chatRun, id, entry, view, slot.messageId);
        return "next";
      }
      if (entry.version === null) {
        // An edit with no version goes out: until the platform has taken it, what the message shows is not known
        // for sure (a process dying mid-edit must not leave a hash that would skip a later edit back to the old
        // view). A versioned edit needs no such write: see showsPrevious.
        const cleared = await store.slots.update(entry.slot, (current) => {
          if (current.viewHash === undefined) return undefined;
          const { viewHash: _unknown, ...rest } = current;
          return rest;
        });
        seen.set(entry.slot, cleared.value);
      }
    }
    const replace = entry.fresh ? undefined : slot?.messageId;
    // Resolved now, not when queued: the card's first message may have been sent (or replaced) since.
    const thread = entry.threadOf ? (await slotOf(entry.threadOf))?.messageId : undefined;
    // A call counts against the platform's limits whatever it answers.
    if (pace !== undefined) pacing.sent(key, pace, performance.now());
    try {
      const { messageId } = await port.deliver(entry.chat, view, {
        ...(replace === undefined ? {} : { replace }),
        ...(entry.replyTo === null ? {} : { replyTo: entry.replyTo }),
        ...(thread === undefined ? {} : { thread }),
        ...(entry.audience ? { audience: entry.audience } : {}),
      });
      await finishRun(chatRun, id, entry, view, messageId);
      if (entry.about) logger.info("delivered", { deliveryId: id, ...entry.about });
      return "next";
    } catch (error) {
      if (error instanceof ChatRateLimitError) {
        await sleep(error.retryAfterMs, stopping.signal);
        return "again";
      }
      if (error instanceof ChatDeliveryError && error.permanent) {
        if (replace !== undefined) {
          // The message to edit is gone (deleted, too old): show the view as a new message instead.
          await store.outbox.update(id, (e) => ({ ...e, fresh: true }));
          return "again";
        }
        logger.warn("delivery refused for good; dropped", { deliveryId: id, platform: entry.chat.platform, error });
        await finishRun(chatRun, id, entry, view, null);
        return "next";
      }
      const attempts = entry.attempts + 1;
      if (attempts >= maxAttempts) {
        logger.error("delivery kept failing; given up", { deliveryId: id, platform: entry.chat.platform, error });
        await finishRun(chatRun, id, entry, view, null);
        return "next";
      }
      await store.outbox.update(id, (e) => ({ ...e, attempts }));
      logger.warn("delivery failed; will retry", { deliveryId: id, attempts, error });
      await sleep(Math.min(1000 * 2 ** (attempts - 1), 300_000), stopping.signal);
      return "again";
    }
  };

  /**
   * Reads what the run needs first: the deliveries queued now, the slots they use and, where the platform paces
   * the chat, its pace. Best effort: a failed read leaves each attempt to read for itself.
   */
  const readAhead = async (key: string, queue: ChatQueue): Promise<ReadAhead | undefined> => {
    const ids = queue.items.map((item) => item.id);
    const slotIds = [...new Set(queue.items.flatMap((item) => item.slots))];
    const paced = ports.get(queue.chat.platform)?.pace?.(queue.chat) !== undefined;
    try {
      const [entries, slots, pace] = await Promise.all([
        Promise.all(ids.map((id) => store.outbox.get(id))),
        Promise.all(slotIds.map((slot) => store.slots.get(slot))),
        paced ? store.chatPaces.get(key) : undefined,
      ]);
      const zip = <V>(keys: string[], values: V[]) => new Map(keys.map((k, i) => [k, values[i] as V]));
      return { entries: zip(ids, entries), slots: zip(slotIds, slots), ...(paced ? { pace } : {}) };
    } catch {
      return undefined;
    }
  };

  /**
   * The chat's lease, waited for while another live process serves the chat (a dead one's lapses in 5 s). The
   * reads a run starts with (`readAhead`) go with the lease's claim, in one round trip: the store applies one
   * process's calls in the order they were made (kv.ts), so they see the store as it is once the lease is ours,
   * as reads made after it would. Reads that went with a claim another holder won are thrown away.
   */
  const serveChat = async (chatRun: ChatRun, queue: ChatQueue) => {
    for (;;) {
      const taking = deps.leases.take(chatOutLease(chatRun.key)).catch(() => undefined);
      const reading = readAhead(chatRun.key, queue);
      const [lease, read] = await Promise.all([taking, reading]);
      if (lease !== undefined && read !== undefined) {
        for (const [id, entry] of read.entries) chatRun.entries.set(id, entry);
        for (const [slot, record] of read.slots) chatRun.slots.set(slot, record);
        if ("pace" in read) {
          chatRun.paced = true;
          adoptPace(chatRun.key, read.pace);
        }
      }
      if (lease !== undefined || stopping.signal.aborted) return lease;
      await sleep(LEASE_RETRY_MS, stopping.signal);
    }
  };

  /**
   * The chat's pace as its last sender left it, which may have been another replica: a chat that moves between
   * replicas keeps its pace (its lease makes this process the only sender until it lets go). Only chats whose
   * platform paces them read or leave it.
   */
  const takePace = async (key: string) => adoptPace(key, await store.chatPaces.get(key).catch(() => undefined));
  /** Takes over the pace as read from the store (with the lease, or by `takePace`); nothing stored: a fresh chat. */
  const adoptPace = (key: string, shared: SharedPace | undefined) => {
    if (shared !== undefined) pacing.takeOver(key, shared, performance.now(), Date.now());
  };
  /** Left for the chat's next sender, before the lease is let go (the next holder reads it once it has the lease). */
  const leavePace = async (key: string) => {
    const shared = pacing.handOver(key, performance.now(), Date.now());
    if (shared !== undefined) await store.chatPaces.put(key, shared).catch(() => {});
  };

  const run = async (key: string, queue: ChatQueue) => {
    if (queue.running) return;
    queue.running = true;
    // Only the chat's lease holder writes its slots: what this run read or wrote of them stays true while it runs.
    const chatRun: ChatRun = {
      key,
      queue,
      lease: undefined,
      handedOver: false,
      slots: new Map(),
      entries: new Map(),
      paced: false,
    };
    try {
      chatRun.lease = await serveChat(chatRun, queue);
      // A run whose last delivery took the lease with it ends there; one queued meanwhile starts a new run.
      while (queue.items.length > 0 && !stopping.signal.aborted && !chatRun.handedOver) {
        const id = (queue.items[0] as Queued).id;
        let outcome: "next" | "again";
        try {
          outcome = await attempt(chatRun, id);
        } catch (error) {
          // The store itself failed: keep the delivery pending (resume() finds it) and move on.
          logger.error("outbox could not process a delivery", { deliveryId: id, error });
          outcome = "next";
        }
        if (outcome === "next") known.delete((queue.items.shift() as Queued).id);
      }
    } finally {
      // The pace is left before the lease is let go, in the same round trip (applied in that order: kv.ts).
      const lease = chatRun.handedOver ? undefined : chatRun.lease;
      await Promise.all([
        lease !== undefined && chatRun.paced ? leavePace(key) : undefined,
        lease?.release().catch(() => {}),
      ]);
      queue.running = false;
      // A delivery queued while the lease was being let go found the queue still running: serve it now.
      if (queue.items.length === 0) queues.delete(key);
      else if (!stopping.signal.aborted) void run(key, queue);
      settleIdle();
    }
  };

  /** The stored form of a new delivery. */
  const entryOf = (delivery: NewDelivery): Delivery => {
    if (delivery.audience !== undefined && delivery.slot !== undefined) {
      // A private view cannot be edited later by everyone's card: a programming error, refused at once.
      throw new Error("a delivery meant for one person cannot go into a message slot");
    }
    const id = delivery.id ?? newId();
    const entry: Delivery = {
      id,
      chat: delivery.chat,
      view: delivery.view,
      slot: delivery.slot ?? null,
      fresh: delivery.fresh ?? false,
      version: delivery.version ?? null,
      replyTo: delivery.replyTo ?? null,
      threadOf: delivery.threadOf ?? null,
      audience: delivery.audience ?? null,
      ...(delivery.about === undefined ? {} : { about: delivery.about }),
      createdAt: deps.clock.now(),
      seq: ++seq,
      attempts: 0,
      state: "pending",
      messageId: null,
    };
    return entry;
  };
  /** A delivery's place on the pending list. */
  const placeOf = (entry: Delivery) => ({ set: store.pendingDeliveries.set, member: entry.id, dueAt: entry.createdAt });

  /** Stores a delivery and its place on the pending list: the entry when stored now (its id was free). */
  const storeDelivery = async (delivery: NewDelivery): Promise<Delivery | undefined> => {
    const entry = entryOf(delivery);
    // Both in one atomic step: both are stored, or neither (the id was taken).
    return (await store.outbox.createWith(entry.id, entry, placeOf(entry))) ? entry : undefined;
  };

  const sendAll = async (deliveries: readonly NewDelivery[]) => {
    // Each is stored on its own (a taken id skips only that one); they are queued in the order given.
    const stored = await Promise.all(deliveries.map(storeDelivery));
    enqueueAll(stored.filter((entry): entry is Delivery => entry !== undefined));
  };

  return {
    registerPort(port) {
      ports.set(port.platform, port);
      const waiting = parked.get(port.platform) ?? [];
      parked.delete(port.platform);
      for (const id of waiting) {
        void store.outbox.get(id).then((entry) => {
          if (entry !== undefined) enqueueAll([entry]);
        });
      }
    },
    send: (delivery) => sendAll([delivery]),
    sendAll,
    stage(delivery) {
      const entry = entryOf(delivery);
      return { entry, step: store.outbox.along.create(entry.id, entry, placeOf(entry)) };
    },
    queue(entries) {
      enqueueAll(entries);
    },
    async resume() {
      const ids = await store.pendingDeliveries.ids();
      const entries: Delivery[] = [];
      for (const id of ids) {
        const entry = await store.outbox.get(id);
        if (entry === undefined || entry.state === "sent") await store.pendingDeliveries.remove(id);
        else entries.push(entry);
      }
      entries.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
      enqueueAll(entries);
    },
    async adoptOrphans(minAgeMs = 3_000) {
      const now = performance.now();
      const pending = new Set(await store.pendingDeliveries.ids());
      for (const id of firstSeen.keys()) if (!pending.has(id) || known.has(id)) firstSeen.delete(id);
      const orphans: Delivery[] = [];
      for (const id of pending) {
        if (known.has(id) || stopping.signal.aborted) continue;
        const seen = firstSeen.get(id);
        if (seen === undefined) {
          firstSeen.set(id, now);
          continue;
        }
        if (now - seen < minAgeMs) continue;
        const entry = await store.outbox.get(id);
        if (entry === undefined || entry.state === "sent") {
          await store.pendingDeliveries.remove(id);
          continue;
        }
        if (ports.get(entry.chat.platform) === undefined) continue;
        // A live process is serving this chat: its queue, or its next look, has the delivery.
        if ((await store.leases.get(chatOutLease(chatKey(entry.chat)))) !== undefined) continue;
        orphans.push(entry);
      }
      orphans.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
      for (const entry of orphans) {
        firstSeen.delete(entry.id);
        logger.info("sending a delivery a stopped process left", { deliveryId: entry.id });
      }
      enqueueAll(orphans);
      return orphans.length;
    },
    activity(chat) {
      const port = ports.get(chat.platform);
      port?.showActivity?.(chat).catch(() => {});
    },
    paymentChanged(person) {
      const port = ports.get(person.platform);
      port?.paymentChanged?.(person).catch((error: unknown) => {
        logger.warn("a surface could not refresh its list of payments", { platform: person.platform, error });
      });
    },
    idle() {
      if (isIdle()) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    stop() {
      stopping.abort();
      queues.clear();
      settleIdle();
    },
  };
}
