import { describe, expect, it } from "vitest";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

/** Only the status matters to the count; the rest of a payment record is the engine's business. */
const payment = (status: PaymentRecord["status"]) => ({ status }) as unknown as PaymentRecord;

/** A payment's change as transition() commits it: the record and its move between the status counts together. */
async function changeStatus(store: ReturnType<typeof createEngineStore>, id: string, status: PaymentRecord["status"]) {
  await store.payments.updateAlong(
    id,
    (cur) => ({ ...cur, status }),
    async (next, cur) => store.formsByStatus.move(id, cur.status, next.status, 1),
  );
}

describe("forms by status", () => {
  it("counts each payment once, in the status of its last change, as the change commits", async () => {
    const store = createEngineStore(createMemoryKv());
    await store.payments.put("p1", payment(null));
    await store.payments.put("p2", payment(null));
    await changeStatus(store, "p1", "DRAFT");
    await changeStatus(store, "p2", "DRAFT");
    await changeStatus(store, "p1", "RUNNING");
    await changeStatus(store, "p1", "PAID");
    expect(await store.formsByStatus.counts()).toEqual({ DRAFT: 1, PAID: 1 });
  });

  it("puts the payments from before the count in it once, and one that moves meanwhile only in its new status", async () => {
    const base = createMemoryKv();
    const store = createEngineStore(base);
    await store.payments.put("old-ready", payment("READY"));
    await store.payments.put("old-paid", payment("PAID"));
    await store.payments.put("no-form", payment(null));
    // The backfill has just read `old-ready` as READY when another replica's change moves it to PAID.
    let moved = false;
    const racing: AtomicKv = wrapKv(base, async (call, what) => {
      const result = await call();
      if (!moved && what.op === "get" && what.key === "payment:old-ready") {
        moved = true;
        await changeStatus(store, "old-ready", "PAID");
      }
      return result;
    });
    await createEngineStore(racing).formsByStatus.backfill();
    expect(moved).toBe(true);
    expect(await store.formsByStatus.counts()).toEqual({ PAID: 2 });

    // Done once per store: a later process does not list the payments again.
    let listings = 0;
    const counting = wrapKv(base, (call, what) => {
      if (what.op === "keys") listings++;
      return call();
    });
    await createEngineStore(counting).formsByStatus.backfill();
    expect(listings).toBe(0);
  });
});
