import type { Clock } from "../engine/clock.ts";
import type { AtomicKv } from "../store/kv.ts";
import { type Caps, createCaps } from "./caps.ts";
import { createHouseholds, type Households } from "./households.ts";
import { createNoticeClaims, type NoticeClaims } from "./notice-claims.ts";
import { createReminders, type Reminders } from "./reminders.ts";
import { createFamilyStore, type FamilyStore, type Reminder } from "./store.ts";

/** The family domain as the engine will use it: one object per process, over the engine's own store backend. */
export interface Family {
  readonly store: FamilyStore;
  readonly households: Households;
  readonly caps: Caps;
  readonly claims: NoticeClaims;
  readonly reminders: Reminders;
}

export interface FamilyOptions {
  readonly kv: AtomicKv;
  readonly clock: Clock;
  /** The same id the outbox uses for its leases (distinguishes replicas). */
  readonly replicaId: string;
  readonly onReminderError?: (reminder: Reminder, error: unknown) => void;
}

export function createFamily(options: FamilyOptions): Family {
  const store = createFamilyStore(options.kv);
  return {
    store,
    households: createHouseholds(store),
    caps: createCaps(store, options.clock),
    claims: createNoticeClaims(store, options.clock),
    reminders: createReminders(store, options.clock, {
      replicaId: options.replicaId,
      ...(options.onReminderError === undefined ? {} : { onSendError: options.onReminderError }),
    }),
  };
}
