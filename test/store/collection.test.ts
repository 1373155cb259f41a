import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Collection, EngineStore } from "../../src/engine/store-port.ts";
import { createCollection, StoreConflictError } from "../../src/store/collection.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createInFlightMarks } from "../../src/store/in-flight-marks.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { type KvCall, wrapKv } from "../helpers/wrap-kv.ts";

interface Doc {
  readonly state: "open" | "confirming" | "executing";
  readonly by: string | null;
}

describe.each(testBackends())("collections on %s", (name) => {
  let backend: TestBackend;
  let replicaA: EngineStore;
  let replicaB: EngineStore;
  beforeEach(() => {
    backend = createTestBackend(name);
    replicaA = createEngineStore(backend.open());
    replicaB = createEngineStore(backend.open());
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("lets exactly one of ten concurrent claims move a record from open to confirming (two replicas)", async () => {
    const docsA = createCollection<Doc>(backend.open(), "doc");
    const docsB = createCollection<Doc>(backend.open(), "doc");
    await docsA.put("p1", { state: "open", by: null });
    const claim = (docs: Collection<Doc>, who: string) =>
      docs.update("p1", (doc) => (doc.state === "open" ? { state: "confirming", by: who } : undefined));
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => claim(i % 2 === 0 ? docsA : docsB, `person-${i}`)),
    );
    const winners = results.filter((r) => r.applied);
    expect(winners).toHaveLength(1);
    expect((await docsB.get("p1"))?.by).toBe(winners[0]?.value?.by);
    expect(results.filter((r) => !r.applied).every((r) => r.value?.state === "confirming")).toBe(true);
  });

  it("changes a record it just wrote with one compare-and-set, and reads again one another replica changed", async () => {
    const calls: KvCall["op"][] = [];
    const counted = wrapKv(backend.open(), (call, what) => {
      calls.push(what.op);
      return call();
    });
    const docsA = createCollection<Doc>(counted, "doc");
    const docsB = createCollection<Doc>(backend.open(), "doc");
    await docsA.put("p1", { state: "open", by: null });
    calls.length = 0;
    const claimed = await docsA.update("p1", (doc) => ({ ...doc, state: "confirming", by: "maria" }));
    expect(claimed.applied).toBe(true);
    expect(calls).toEqual(["compareAndSet"]);
    await docsB.update("p1", (doc) => ({ ...doc, by: "luca" }));
    calls.length = 0;
    const moved = await docsA.update("p1", (doc) => ({ ...doc, state: "executing" }));
    expect(moved.value).toEqual({ state: "executing", by: "luca" });
    expect(calls).toEqual(["compareAndSet", "get", "compareAndSet"]);
    expect(await docsB.get("p1")).toEqual({ state: "executing", by: "luca" });
  });

  it("never refuses a change on what it remembers: a record another replica moved on is read and judged", async () => {
    const docsA = createCollection<Doc>(backend.open(), "doc");
    const docsB = createCollection<Doc>(backend.open(), "doc");
    await docsA.put("p1", { state: "open", by: null });
    await docsB.update("p1", (doc) => ({ ...doc, state: "confirming" }));
    const executed = await docsA.update("p1", (doc) =>
      doc.state === "confirming" ? { ...doc, state: "executing" } : undefined,
    );
    expect(executed).toEqual({ applied: true, value: { state: "executing", by: null } });
    expect(await docsA.deleteIf("p1", (doc) => doc.state === "executing")).toBe(true);
    expect(await docsB.get("p1")).toBeUndefined();
  });

  it("creates a record once however many replicas try (dedup of a redelivered event)", async () => {
    const results = await Promise.all([
      replicaA.events.create("telegram:update-7", { at: 1 }),
      replicaB.events.create("telegram:update-7", { at: 2 }),
      replicaA.events.create("telegram:update-7", { at: 3 }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("deletes conditionally: an open-notice entry is released only by the payment that holds it", async () => {
    await replicaA.openNotices.put("telegram:1|rpt", { paymentId: "p2" });
    expect(await replicaB.openNotices.deleteIf("telegram:1|rpt", (v) => v.paymentId === "p1")).toBe(false);
    expect(await replicaB.openNotices.deleteIf("telegram:1|rpt", (v) => v.paymentId === "p2")).toBe(true);
    expect(await replicaA.openNotices.get("telegram:1|rpt")).toBeUndefined();
  });

  it("clears a marking's own mark, and leaves the mark of a change made since (another flow, another replica)", async () => {
    const first = await replicaA.inflight.mark("p1");
    const second = await replicaB.inflight.mark("p1");
    await replicaA.inflight.clear("p1", first);
    expect(await replicaA.inflight.ids()).toEqual(["p1"]);
    await replicaB.inflight.clear("p1", second);
    expect(await replicaA.inflight.ids()).toEqual([]);
    await replicaA.inflight.mark("p2");
    await replicaA.inflight.clear("p2");
    expect(await replicaB.inflight.ids()).toEqual([]);
  });

  it("is read without listing the store's keys, once an earlier version's mark records are moved in", async () => {
    // How an earlier version marked a payment: a record of its own.
    const kv = backend.open();
    await kv.set("inflight:p-old", JSON.stringify({ nonce: "n1" }));
    let listings = 0;
    const marks = createInFlightMarks(
      wrapKv(kv, (call, what) => {
        if (what.op === "keys") listings++;
        return call();
      }),
    );
    await marks.mark("p-new");
    expect((await marks.ids()).sort()).toEqual(["p-new", "p-old"]);
    expect(await kv.get("inflight:p-old")).toBeUndefined();
    for (let tick = 0; tick < 3; tick++) await marks.ids();
    expect(listings).toBe(1);
  });

  it("lists a collection's ids, and only its own", async () => {
    await replicaA.events.put("d1", { at: 1 });
    await replicaA.events.put("d2", { at: 2 });
    await replicaA.leases.put("d3", { owner: "x" });
    expect((await replicaB.events.ids()).sort()).toEqual(["d1", "d2"]);
  });
});

describe("a collection under endless contention", () => {
  // Every compare-and-set loses (another writer always got there first): an update or a conditional delete must
  // give up with StoreConflictError after a bounded number of re-reads, not spin for ever.
  const alwaysLosing = (): { kv: AtomicKv; attempts: () => number } => {
    const inner = createMemoryKv();
    let attempts = 0;
    const kv: AtomicKv = {
      ...inner,
      compareAndSet: async () => {
        attempts++;
        return null;
      },
      compareAndDelete: async () => {
        attempts++;
        return false;
      },
    };
    return { kv, attempts: () => attempts };
  };

  it("gives up an update with StoreConflictError after 200 lost races, leaving the record as it was", async () => {
    const { kv, attempts } = alwaysLosing();
    const docs = createCollection<Doc>(kv, "doc");
    await docs.put("p1", { state: "open", by: null });
    await expect(docs.update("p1", () => ({ state: "confirming", by: "maria" }))).rejects.toThrow(StoreConflictError);
    expect(attempts()).toBe(200);
    expect(await docs.get("p1")).toEqual({ state: "open", by: null });
  });

  it("gives up a conditional delete the same way", async () => {
    const { kv, attempts } = alwaysLosing();
    const docs = createCollection<Doc>(kv, "doc");
    await docs.put("p1", { state: "open", by: null });
    await expect(docs.deleteIf("p1", () => true)).rejects.toThrow(/doc: delete kept conflicting/);
    expect(attempts()).toBe(200);
  });
});
