import type { PaymentRecord, ScheduleEntry } from "../engine/records.ts";
import type { EngineStore } from "../engine/store-port.ts";
import { createCollection } from "./collection.ts";
import { createDueCollection } from "./due-collection.ts";
import { createFormsByStatus } from "./forms-by-status.ts";
import { createInFlightMarks } from "./in-flight-marks.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";
import { createPendingDeliveries } from "./pending-deliveries.ts";

/** The engine's store over any backend: one collection per area of keys.ts. */
export function createEngineStore(kv: AtomicKv): EngineStore {
  const collection = <T>(name: keyof typeof areas) => {
    const spec: { area: string; ttlMs?: number } = areas[name];
    return createCollection<T>(kv, spec.area, spec.ttlMs);
  };
  const payments = collection<PaymentRecord>("payments");
  return {
    apply: async (steps) => {
      await kv.apply(steps);
    },
    payments,
    openNotices: collection("openNotices"),
    buttons: collection("buttons"),
    choices: collection("choices"),
    chats: collection("chats"),
    people: collection("people"),
    linkRequests: collection("linkRequests"),
    events: collection("events"),
    outbox: collection("outbox"),
    pendingDeliveries: createPendingDeliveries(kv),
    slots: collection("slots"),
    leases: collection("leases"),
    chatPaces: collection("chatPaces"),
    formsByStatus: createFormsByStatus(kv, payments),
    schedule: createDueCollection<ScheduleEntry>(kv, areas.schedule.area, (entry) => entry.dueAt),
    inflight: createInFlightMarks(kv),
  };
}
