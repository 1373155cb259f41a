import type { Clock } from "../engine/clock.ts";
import type { EventAck, InboundEvent, Platform } from "../engine/events.ts";
import { newId, seenKeyOf } from "../engine/ids.ts";
import { createLeaseKeeper, type HeldLease } from "../engine/lease.ts";
import type { DueCollection, EngineStore } from "../engine/store-port.ts";
import type { Logger } from "../log/logger.ts";
import { type FileRebuilder, fromStored, type StoredEvent, toStored } from "./accepted-event.ts";

/**
 * Accepted events kept until handled. A platform is told "received" as soon as `handle` returns (Slack wants an
 * answer within 3 s, Telegram's next poll confirms the update), long before a photo is read; a process killed in
 * between would lose the notice. So a text or a file is written here first, and the engine marks it seen once its
 * card or answer is recorded. A record whose replica is gone (its liveness lease lapsed: seconds after a kill) or
 * that is still here long after it came is handed to the engine again, which recognises what it already finished.
 */
export interface Inbox {
  /** What adapters call instead of the engine's `handle`. */
  handle(event: InboundEvent): Promise<EventAck>;
  /** How a platform's files are fetched again after a restart (adapters register theirs). */
  replayFiles(platform: Platform, rebuild: FileRebuilder): void;
  /** Takes this replica's liveness lease, redoes what a dead one left, and keeps looking every `tickMs`. */
  start(): Promise<void>;
  /** One pass: redoes every record whose replica is gone or that is older than `stuckMs` (tests, the timer). */
  redoOrphans(): Promise<number>;
  /** Stops looking and lets the liveness lease go (what is left is redone by the next process at once). */
  stop(): Promise<void>;
}

export interface InboxOptions {
  /** Indexed by when each was accepted, so that a pass reads the accepted events only, not the store's keys. */
  readonly accepted: DueCollection<StoredEvent>;
  readonly store: EngineStore;
  readonly handle: (event: InboundEvent) => Promise<EventAck>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tickMs?: number;
  /** A record this old is redone even if its replica lives (its work was lost some other way). */
  readonly stuckMs?: number;
  /** Takeovers before an event is given up as poison. */
  readonly maxRedos?: number;
}

const aliveLease = (replica: string) => `inbox-replica:${replica}`;
/** Accepted events one pass looks at (a longer backlog is taken by the next passes, two seconds apart). */
const PASS_LIMIT = 500;
/** The engine's "seen" mark of an event, set once its work is recorded (stored events always have an id). */
const seenKey = (event: { chat: { platform: Platform }; eventId?: string }) =>
  seenKeyOf({ chat: event.chat, eventId: event.eventId ?? "" });

export function createInbox(options: InboxOptions): Inbox {
  const { accepted, store, clock } = options;
  const logger = options.logger.child({ module: "inbox" });
  const replica = newId();
  const leases = createLeaseKeeper(store, replica);
  const rebuilders = new Map<Platform, FileRebuilder>();
  const stuckMs = options.stuckMs ?? 120_000;
  const maxRedos = options.maxRedos ?? 3;
  let alive: HeldLease | undefined;
  let timer: NodeJS.Timeout | undefined;
  let passing: Promise<number> | undefined;

  const orphaned = async (record: StoredEvent) =>
    clock.now() - record.acceptedAt > stuckMs || (await store.leases.get(aliveLease(record.owner))) === undefined;

  /**
   * Redoes one record as the pass read it, under a lease so that two replicas never redo it at once. The claim
   * takes only the record judged orphaned: one another replica claimed since (new owner, new time) is left to it.
   */
  const redo = async (id: string, record: StoredEvent): Promise<boolean> => {
    if ((await store.events.get(seenKey(record.event))) !== undefined) {
      await accepted.delete(id);
      return false;
    }
    if (!(await orphaned(record))) return false;
    const done = await leases.under(`inbox-redo:${id}`, async () => {
      const judged = (cur: StoredEvent) => cur.owner === record.owner && cur.acceptedAt === record.acceptedAt;
      const claimed = await accepted.update(id, (cur) =>
        judged(cur) && cur.redos < maxRedos
          ? { ...cur, owner: replica, acceptedAt: clock.now(), redos: cur.redos + 1 }
          : undefined,
      );
      if (!claimed.applied) {
        // Claimed by another replica since this pass read it: that one redoes it.
        if (claimed.value !== undefined && !judged(claimed.value)) return false;
        logger.warn("an accepted event was given up after repeated takeovers", {
          platform: record.event.chat.platform,
        });
        await accepted.delete(id);
        return false;
      }
      const event = fromStored(claimed.value, rebuilders.get(record.event.chat.platform));
      if (event === undefined) {
        logger.warn("an accepted event's files cannot be fetched again here", { platform: record.event.chat.platform });
        return false;
      }
      logger.info("redoing an event a stopped process accepted", { platform: record.event.chat.platform });
      await options.handle(event);
      return true;
    });
    return done?.value ?? false;
  };

  const pass = async (): Promise<number> => {
    let redone = 0;
    for (const { id, value } of await accepted.dueBy(clock.now(), PASS_LIMIT)) {
      try {
        if (await redo(id, value)) redone++;
      } catch (error) {
        logger.error("redoing an accepted event failed", { error });
      }
    }
    return redone;
  };

  return {
    async handle(event) {
      const record = toStored(event, replica, clock.now());
      if (record !== undefined) await accepted.create(seenKey(event), record);
      return options.handle(event);
    },
    replayFiles(platform, rebuild) {
      rebuilders.set(platform, rebuild);
    },
    async start() {
      alive = await leases.take(aliveLease(replica));
      // Events an earlier version accepted were not indexed: listed once, here, and put in the index.
      for (const id of await accepted.ids()) await accepted.reindex(id);
      await this.redoOrphans();
      timer = setInterval(() => void this.redoOrphans(), options.tickMs ?? 2_000);
      timer.unref();
    },
    redoOrphans() {
      // One pass at a time: a slow pass is not stacked on by the next tick.
      passing ??= pass().finally(() => {
        passing = undefined;
      });
      return passing;
    },
    async stop() {
      clearInterval(timer);
      await passing?.catch(() => 0);
      await alive?.release();
      await leases.releaseAll();
    },
  };
}
