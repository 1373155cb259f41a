import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import type { RefreshOutcome } from "../../src/engine/flows/refresh-payment.ts";
import type { ScheduleEntry } from "../../src/engine/records.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { createReconciler, PAYMENT_BACKOFF_MS } from "../../src/webhooks/reconciler.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

/** An engine with no flow to recover (these tests are about the schedule). */
const nothingInFlight = { inflight: async () => [], recover: async () => false };

describe("the reconciler", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it("announces a PAID whose webhooks were all lost, once, at its next scheduled read", async () => {
    h = await startHarness();
    h.sandbox.admin.webhooks.failNext(10_000);
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/In corso/);
    const formId = h.sandbox.admin.forms()[0]?.id ?? "";
    const deadline = Date.now() + 5_000;
    while (h.sandbox.admin.form(formId)?.status !== "PAID" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await h.app.engine.drain();
    expect(h.texts().some((t) => t.startsWith("✅ Pagato"))).toBe(false);
    h.clock.advance(PAYMENT_BACKOFF_MS[0] ?? 30_000);
    await h.app.reconciler.runDue();
    await h.see(/✅ Pagato/);
    h.clock.advance(24 * 3_600_000);
    await h.app.reconciler.runDue();
    await h.app.engine.drain();
    expect(h.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
    expect(await h.app.store.schedule.ids()).toEqual([]);
  });

  it("ends a form's re-reads and frees its notice in the step that records its PAID: never read again", async () => {
    h = await startHarness();
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.app.engine.drain();
    // Nothing left for a later pass to tidy: the change that recorded PAID ended its re-reads and its notice's hold.
    expect(await h.app.store.schedule.ids()).toEqual([]);
    expect(await h.app.store.openNotices.ids()).toEqual([]);
    // And moved its form to PAID's count (what /metrics shows), from DRAFT's through every status between.
    expect(await h.app.store.formsByStatus.counts()).toEqual({ PAID: 1 });
    const formId = h.sandbox.admin.forms()[0]?.id ?? "";
    const reads = () => h?.sandbox.admin.calls().byForm[formId]?.get ?? 0;
    const before = reads();
    // Every step of the backoff, and a day more: the form is never read again.
    for (const wait of [...PAYMENT_BACKOFF_MS, 24 * 3_600_000]) {
      h.clock.advance(wait);
      await h.app.reconciler.runDue();
    }
    await h.app.engine.drain();
    expect(reads()).toBe(before);
    expect(await h.app.store.inflight.ids()).toEqual([]);
    expect(h.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  });

  it("reads an open form with backoff on the injected clock: 30 s, 2 min, 10 min, 1 h, then every 6 h", async () => {
    const clock = createManualClock();
    const store = createEngineStore(createMemoryKv());
    const reads: number[] = [];
    const reconciler = createReconciler({
      store,
      clock,
      logger: silentLogger,
      engine: {
        ...nothingInFlight,
        async refresh(): Promise<RefreshOutcome> {
          reads.push(clock.now());
          return "open";
        },
      },
    });
    const start = clock.now();
    const entry: ScheduleEntry = { kind: "payment", id: "p1", dueAt: start, attempt: 0, since: start };
    await store.schedule.put("payment:p1", entry);
    // Step the clock a second at a time over seven hours and a half; read whenever due.
    for (let t = 0; t < 27_000; t++) {
      clock.advance(1_000);
      if (((await store.schedule.get("payment:p1"))?.dueAt ?? Number.POSITIVE_INFINITY) <= clock.now()) {
        await reconciler.runDue();
      }
    }
    const gaps = reads.slice(1).map((at, i) => Math.round((at - (reads[i] ?? 0)) / 1_000));
    expect(gaps).toEqual([30, 120, 600, 3_600, 21_600]);
    reconciler.stop();
  });

  it("wakes itself with its timer when an item falls due, and forgets settled items", async () => {
    const clock = createManualClock();
    const store = createEngineStore(createMemoryKv());
    const seen: string[] = [];
    const reconciler = createReconciler({
      store,
      clock,
      logger: silentLogger,
      tickMs: 5,
      engine: {
        ...nothingInFlight,
        async refresh(e): Promise<RefreshOutcome> {
          seen.push(e.id);
          return "settled";
        },
      },
    });
    await reconciler.start();
    await store.schedule.put("payment:p2", {
      kind: "payment",
      id: "p2",
      dueAt: clock.now() + 60_000,
      attempt: 0,
      since: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(seen).toEqual([]);
    clock.advance(60_000);
    const deadline = Date.now() + 2_000;
    while (seen.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    reconciler.stop();
    expect(seen).toEqual(["p2"]);
    expect(await store.schedule.ids()).toEqual([]);
  });
});
