import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createInFlightMarks } from "../../src/store/in-flight-marks.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

describe.each(testBackends())("in-flight marks on %s", (name) => {
  let backend: TestBackend;
  let kv: AtomicKv;
  beforeEach(() => {
    backend = createTestBackend(name);
    kv = backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("clears a marking's own mark, and leaves the mark of a change made since (another flow, another replica)", async () => {
    const replicaA = createInFlightMarks(kv);
    const replicaB = createInFlightMarks(backend.open());
    const first = await replicaA.mark("p1");
    const second = await replicaB.mark("p1");
    await replicaA.clear("p1", first);
    expect(await replicaA.ids()).toEqual(["p1"]);
    await replicaB.clear("p1", second);
    expect(await replicaA.ids()).toEqual([]);
    await replicaA.mark("p2");
    await replicaA.clear("p2");
    expect(await replicaB.ids()).toEqual([]);
  });

  it("is read without listing the store's keys, once an earlier version's mark records are moved in", async () => {
    // How an earlier version marked a payment: a record of its own.
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
});
