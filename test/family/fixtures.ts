import { createManualClock, type ManualClock } from "../../src/droppay/clock.ts";
import type { ChatRef } from "../../src/engine/events.ts";
import { createHouseholds, type Households } from "../../src/family/households.ts";
import { createFamilyStore, type FamilyStore } from "../../src/family/store.ts";
import type { TestBackend } from "../helpers/backends.ts";

/** A family group and its people, as the suites use them. */
export const group: ChatRef = { platform: "telegram", chatId: "-1001234", kind: "group" };
export const anna = { userId: "101", name: "Anna" };
export const marco = { userId: "102", name: "Marco" };
export const luca = { userId: "103", name: "Luca" };
export const annaAccount = { accountId: "droppay:anna", label: "Anna Rossi · IT60…4567" };
export const marcoAccount = { accountId: "droppay:marco", label: "Marco Rossi · IT12…0001" };
export const householdOf = "telegram:-1001234";

/** One replica's view of the family store: its own connection to the backend's shared data. */
export interface Replica {
  readonly store: FamilyStore;
  readonly households: Households;
}

export function replicaOf(backend: TestBackend): Replica {
  const store = createFamilyStore(backend.open());
  return { store, households: createHouseholds(store) };
}

/** Anna's household with Marco and Luca seen; Marco's cap set when given. */
export async function seedFamily(replica: Replica, clock: ManualClock, marcoCapCents?: number): Promise<void> {
  const created = await replica.households.create(group, anna, annaAccount, clock.now());
  if (!created.ok) throw created.error;
  await replica.households.noteSeen(group, marco, clock.now());
  await replica.households.noteSeen(group, luca, clock.now());
  if (marcoCapCents !== undefined) {
    const capped = await replica.households.setCap(group, anna.userId, marco.userId, marcoCapCents);
    if (!capped.ok) throw capped.error;
  }
}

export function romeClock(iso: string): ManualClock {
  return createManualClock(Date.parse(iso));
}
