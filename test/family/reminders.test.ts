import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ManualClock } from "../../src/droppay/clock.ts";
import { createReminders, type Reminders, type ReminderTarget } from "../../src/family/reminders.ts";
import { createFamilyStore, type Reminder } from "../../src/family/store.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { householdOf, romeClock } from "./fixtures.ts";

const target: ReminderTarget = {
  householdId: householdOf,
  rptId: "01199250158301000000012345678",
  paymentId: "pay-1",
  dueDate: "2025-01-20",
};
const at = (iso: string) => Date.parse(iso);

/** Counts what a replica asks of the store, to show that reading what is due does not list keys. */
function counting(kv: AtomicKv) {
  const calls = { get: 0, keys: 0 };
  const wrapped: AtomicKv = {
    ...kv,
    get: (key) => {
      calls.get++;
      return kv.get(key);
    },
    keys: (prefix) => {
      calls.keys++;
      return kv.keys(prefix);
    },
  };
  return { kv: wrapped, calls };
}

describe.each(testBackends())("reminders on %s", (name) => {
  let backend: TestBackend;
  let clock: ManualClock;
  const engines: Reminders[] = [];
  /** An engine: its own connection and replica id over the shared data. */
  const engine = (replicaId: string, kv: AtomicKv = backend.open()) => {
    const r = createReminders(createFamilyStore(kv), clock, { replicaId, leaseMs: 60_000 });
    engines.push(r);
    return r;
  };
  /** What each engine sent, as "kind@time". */
  const sent: string[] = [];
  const sender = (who: string) => async (r: Reminder) => {
    sent.push(`${r.kind}@${new Date(r.fireAt).toISOString()} by ${who}`);
    return "sent" as const;
  };
  beforeEach(() => {
    backend = createTestBackend(name);
    clock = romeClock("2025-01-10T10:00:00Z");
    sent.length = 0;
    engines.length = 0;
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("schedules D-7, D-1 and the day at 09:00 in Rome, each once however often it is scheduled", async () => {
    const a = engine("a");
    const b = engine("b");
    await Promise.all([a.schedule(target), b.schedule(target), a.schedule(target)]);
    const stored = await b.forNotice(householdOf, target.rptId);
    expect(stored.map((r) => [r.kind, new Date(r.fireAt).toISOString(), r.state])).toEqual([
      ["d7", "2025-01-13T08:00:00.000Z", "scheduled"],
      ["d1", "2025-01-19T08:00:00.000Z", "scheduled"],
      ["d0", "2025-01-20T08:00:00.000Z", "scheduled"],
    ]);
  });

  it("leaves out the reminders whose time has passed", async () => {
    clock.set(at("2025-01-19T09:00:00Z")); // 10:00 on D-1 in Rome
    const stored = await engine("a").schedule(target);
    expect(stored.map((r) => r.kind)).toEqual(["d0"]);
  });

  it("follows Italian summer time: D-1 on the night the clocks change still fires at 09:00", async () => {
    clock.set(at("2025-03-01T10:00:00Z"));
    const stored = await engine("a").schedule({ ...target, dueDate: "2025-03-31" });
    expect(stored.map((r) => new Date(r.fireAt).toISOString())).toEqual([
      "2025-03-24T08:00:00.000Z",
      "2025-03-30T07:00:00.000Z",
      "2025-03-31T07:00:00.000Z",
    ]);
  });

  it("fires each reminder once, at its time, across two engines sharing the store and a restart", async () => {
    const a = engine("a");
    const b = engine("b");
    await a.schedule(target);
    const times = [
      "2025-01-13T07:59:59Z",
      "2025-01-13T08:00:00Z",
      "2025-01-13T08:05:00Z",
      "2025-01-19T08:00:00Z",
      "2025-01-20T08:00:00Z",
      "2025-01-20T12:00:00Z",
    ];
    for (const time of times) {
      clock.set(at(time));
      await Promise.all([a.fireDue(clock.now(), sender("a")), b.fireDue(clock.now(), sender("b"))]);
      if (time === "2025-01-13T07:59:59Z") expect(sent).toEqual([]);
    }
    // A restart: a new engine over a new connection finds nothing left to send.
    const restarted = engine("a-restarted");
    expect(await restarted.dueReminders(clock.now())).toEqual([]);
    await restarted.fireDue(clock.now(), sender("restarted"));
    expect(sent.map((s) => s.split(" by ")[0])).toEqual([
      "d7@2025-01-13T08:00:00.000Z",
      "d1@2025-01-19T08:00:00.000Z",
      "d0@2025-01-20T08:00:00.000Z",
    ]);
  });

  it("lets exactly one of many engines claim a due reminder", async () => {
    await engine("setup").schedule(target);
    clock.set(at("2025-01-13T08:00:00Z"));
    const id = `${householdOf}|${target.rptId}|2025-01-20|d7`;
    const racers = Array.from({ length: 6 }, (_, i) => engine(`r${i}`));
    const claims = await Promise.all(racers.map((r) => r.claim(id, clock.now())));
    expect(claims.filter((c) => c !== undefined)).toHaveLength(1);
  });

  it("stops after 'Non ricordarmelo': the reminders not yet sent are cancelled", async () => {
    const a = engine("a");
    await a.schedule(target);
    clock.set(at("2025-01-13T08:00:00Z"));
    await a.fireDue(clock.now(), sender("a"));
    expect(await engine("b").cancel(householdOf, target.rptId, clock.now())).toBe(2);
    for (const time of ["2025-01-19T08:00:00Z", "2025-01-20T08:00:00Z"]) {
      clock.set(at(time));
      await a.fireDue(clock.now(), sender("a"));
    }
    expect(sent).toHaveLength(1);
    const states = (await a.forNotice(householdOf, target.rptId)).map((r) => [r.kind, r.state]);
    expect(states).toEqual([
      ["d7", "fired"],
      ["d1", "cancelled"],
      ["d0", "cancelled"],
    ]);
    // Scheduling again (a restart re-reading open notices) does not bring them back.
    await a.schedule(target);
    clock.set(at("2025-01-20T08:00:00Z"));
    expect(await a.dueReminders(clock.now())).toEqual([]);
  });

  it("moves the reminders when the due date changes", async () => {
    const a = engine("a");
    await a.schedule(target);
    const moved = await a.schedule({ ...target, dueDate: "2025-02-03" });
    expect(moved.map((r) => [r.kind, r.dueDate])).toEqual([
      ["d7", "2025-02-03"],
      ["d1", "2025-02-03"],
      ["d0", "2025-02-03"],
    ]);
    clock.set(at("2025-01-20T08:00:00Z"));
    await a.fireDue(clock.now(), sender("a"));
    expect(sent).toEqual([]);
  });

  it("after a long stop sends only the latest reminder due, not a burst of stale ones", async () => {
    const a = engine("a");
    await a.schedule(target);
    clock.set(at("2025-01-20T10:00:00Z"));
    await a.fireDue(clock.now(), sender("a"));
    expect(sent.map((s) => s.split("@")[0])).toEqual(["d0"]);
    expect(await a.dueReminders(clock.now())).toEqual([]);
  });

  it("takes over a reminder whose engine died while sending it, once its lease has run out", async () => {
    const a = engine("a");
    await a.schedule(target);
    clock.set(at("2025-01-13T08:00:00Z"));
    const dying = await a.claim(`${householdOf}|${target.rptId}|2025-01-20|d7`, clock.now());
    expect(dying?.claimedBy).toBe("a");
    const b = engine("b");
    await b.fireDue(clock.now(), sender("b"));
    expect(sent).toEqual([]);
    clock.advance(60_000);
    await b.fireDue(clock.now(), sender("b"));
    expect(sent).toEqual(["d7@2025-01-13T08:00:00.000Z by b"]);
  });

  it("tries a reminder again after a failed send, and reports the failure", async () => {
    const failures: string[] = [];
    const a = createReminders(createFamilyStore(backend.open()), clock, {
      replicaId: "a",
      leaseMs: 60_000,
      onSendError: (r, error) => failures.push(`${r.kind}: ${(error as Error).message}`),
    });
    await a.schedule(target);
    clock.set(at("2025-01-13T08:00:00Z"));
    await a.fireDue(clock.now(), async () => {
      throw new Error("chat unreachable");
    });
    expect(failures).toEqual(["d7: chat unreachable"]);
    clock.advance(60_000);
    await a.fireDue(clock.now(), sender("a"));
    expect(sent).toHaveLength(1);
  });

  it("reads only the reminders due (the store's due index), never listing keys nor reading the others", async () => {
    const setup = engine("setup");
    for (let i = 0; i < 30; i++) {
      await setup.schedule({ ...target, rptId: `rpt-${i}`, dueDate: i % 2 === 0 ? "2025-01-20" : "2025-03-20" });
    }
    const { kv, calls } = counting(backend.open());
    const reader = engine("reader", kv);
    clock.set(at("2025-01-13T08:00:00Z"));
    const due = await reader.dueReminders(clock.now());
    expect(due).toHaveLength(15);
    expect(calls.keys).toBe(0);
    // The fifteen D-7 reminders due, and nothing of the other 75.
    expect(calls.get).toBe(15);
  });
});
