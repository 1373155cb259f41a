import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import type { RefreshOutcome } from "../../src/engine/flows/refresh-payment.ts";
import type { ScheduleEntry } from "../../src/engine/records.ts";
import type { EngineStore } from "../../src/engine/store-port.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createReconciler, RECONCILE_LEASE_MS, type Reconciler } from "../../src/webhooks/reconciler.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { freezeAfterWrite } from "../helpers/freezing-kv.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

const DAY = 24 * 60 * 60_000;

/** Counts every call a store makes to its backend, the due index's included (as bench/webhooks counts a webhook). */
function countingKv(kv: AtomicKv): { kv: AtomicKv; total: () => number; reset: () => void } {
  let calls = 0;
  const count = <T>(call: () => Promise<T>) => {
    calls++;
    return call();
  };
  return {
    total: () => calls,
    reset: () => {
      calls = 0;
    },
    kv: wrapKv(kv, count),
  };
}

const entry = (id: string, dueAt: number): ScheduleEntry => ({ kind: "payment", id, dueAt, attempt: 0, since: 0 });

describe.each(testBackends())("the reconciler's due index, over %s", (name) => {
  let backend: TestBackend;
  const reconcilers: Reconciler[] = [];
  afterEach(async () => {
    for (const r of reconcilers.splice(0)) r.stop();
    await backend.dispose();
  });
  const clock = createManualClock(Date.parse("2026-12-01T10:00:00Z"));

  /** A replica's reconciler over its own connection; `refresh` stands for the engine's re-read of a form. */
  const replica = (store: EngineStore, refresh: (id: string) => Promise<RefreshOutcome>) => {
    const r = createReconciler({
      store,
      clock,
      logger: silentLogger,
      engine: { inflight: async () => [], recover: async () => false, refresh: (e) => refresh(e.id) },
    });
    reconcilers.push(r);
    return r;
  };

  it("a pass over 5,000 entries due next month makes as many store calls as over none, and re-reads none", async () => {
    backend = createTestBackend(name);
    clock.set(Date.parse("2026-12-01T10:00:00Z"));
    const counted = countingKv(backend.open());
    const store = createEngineStore(counted.kv);
    const reads: string[] = [];
    const reconciler = replica(store, async (id) => {
      reads.push(id);
      return "open";
    });
    counted.reset();
    await reconciler.runDue();
    const overNone = counted.total();
    const writer = createEngineStore(backend.open());
    for (let i = 0; i < 5_000; i++) await writer.schedule.put(`payment:p${i}`, entry(`p${i}`, clock.now() + 30 * DAY));
    counted.reset();
    await reconciler.runDue();
    expect(counted.total()).toBe(overNone);
    expect(overNone).toBeLessThanOrEqual(2);
    expect(reads).toEqual([]);
    // Two of them come due: the pass reads those two, not the other 4,998.
    await writer.schedule.update("payment:p7", (e) => ({ ...e, dueAt: clock.now() - 1 }));
    await writer.schedule.update("payment:p4242", (e) => ({ ...e, dueAt: clock.now() }));
    counted.reset();
    await reconciler.runDue();
    expect(reads.sort()).toEqual(["p4242", "p7"]);
    expect(counted.total()).toBeLessThan(20);
  }, 120_000);

  it("the crash tests' freezing connection indexes through the backend's due sets, not the one-record fallback", async () => {
    backend = createTestBackend(name);
    const kv = backend.open();
    const store = createEngineStore(freezeAfterWrite(kv, () => false).kv);
    await store.schedule.put("payment:p1", entry("p1", clock.now()));
    expect((await store.schedule.claimDue(clock.now(), 10, RECONCILE_LEASE_MS)).map((d) => d.id)).toEqual([
      "payment:p1",
    ]);
    expect(await kv.keys("due-set:")).toEqual([]);
  });

  it("hands each due entry to exactly one of two replicas sharing the store", async () => {
    backend = createTestBackend(name);
    clock.set(Date.parse("2026-12-01T10:00:00Z"));
    const writer = createEngineStore(backend.open());
    const ids = Array.from({ length: 20 }, (_, i) => `p${i}`);
    for (const id of ids) await writer.schedule.put(`payment:${id}`, entry(id, clock.now() - 1_000));
    const reads: string[] = [];
    // A re-read takes a while (a PSP call): the other replica's pass runs meanwhile.
    const slowRead = (who: string) => async (id: string) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      reads.push(`${id} by ${who}`);
      return "open" as const;
    };
    const a = replica(createEngineStore(backend.open()), slowRead("a"));
    const b = replica(createEngineStore(backend.open()), slowRead("b"));
    await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
    expect(reads.map((r) => r.split(" by ")[0]).sort()).toEqual([...ids].sort());
    // Each was put back 30 s ahead (the first backoff): nothing is due again now, on either replica.
    await Promise.all([a.runDue(), b.runDue()]);
    expect(reads).toHaveLength(ids.length);
  });

  it("a replica stuck on slow reads holds only the entries it is reading: another reads the rest at once", async () => {
    backend = createTestBackend(name);
    clock.set(Date.parse("2026-12-01T10:00:00Z"));
    const writer = createEngineStore(backend.open());
    const ids = Array.from({ length: 10 }, (_, i) => `p${i}`);
    for (const id of ids) await writer.schedule.put(`payment:${id}`, entry(id, clock.now() - 1_000));
    const stuck: string[] = [];
    // Replica A's reads hang (a PSP that does not answer): it must not sit on entries it has not started.
    const a = replica(createEngineStore(backend.open()), (id) => {
      stuck.push(id);
      return new Promise<RefreshOutcome>(() => {});
    });
    void a.runDue();
    const deadline = Date.now() + 5_000;
    while (stuck.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const reads: string[] = [];
    const b = replica(createEngineStore(backend.open()), async (id) => {
      reads.push(id);
      return "open";
    });
    await b.runDue();
    a.stop();
    expect(stuck).toHaveLength(4);
    expect([...stuck, ...reads].sort()).toEqual([...ids].sort());
  });

  it("takes over an entry whose replica died while re-reading it, once its lease has run out", async () => {
    backend = createTestBackend(name);
    clock.set(Date.parse("2026-12-01T10:00:00Z"));
    const writer = createEngineStore(backend.open());
    await writer.schedule.put("payment:p1", entry("p1", clock.now()));
    let started = false;
    // Replica A takes the entry and never finishes (its process is gone).
    const dying = replica(createEngineStore(backend.open()), () => {
      started = true;
      return new Promise<RefreshOutcome>(() => {});
    });
    void dying.runDue();
    const deadline = Date.now() + 5_000;
    while (!started && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(started).toBe(true);
    dying.stop();
    const reads: string[] = [];
    const b = replica(createEngineStore(backend.open()), async (id) => {
      reads.push(id);
      return "settled";
    });
    await b.runDue();
    expect(reads).toEqual([]);
    clock.advance(RECONCILE_LEASE_MS - 1);
    await b.runDue();
    expect(reads).toEqual([]);
    clock.advance(1);
    await b.runDue();
    expect(reads).toEqual(["p1"]);
    // Settled: off the list and out of the index.
    expect(await writer.schedule.ids()).toEqual([]);
    clock.advance(RECONCILE_LEASE_MS);
    await b.runDue();
    expect(reads).toEqual(["p1"]);
  });
});
