import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";

describe.each(testBackends())("AtomicKv on %s", (name) => {
  let backend: TestBackend;
  let kv: AtomicKv;
  beforeEach(() => {
    backend = createTestBackend(name);
    kv = backend.open();
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("reads back what it wrote, and nothing after a delete", async () => {
    await kv.set("a:1", '{"x":1}');
    expect((await kv.get("a:1"))?.value).toBe('{"x":1}');
    await kv.delete("a:1");
    expect(await kv.get("a:1")).toBeUndefined();
  });

  it("forgets a value once its ttl has passed, and lets it be claimed again", async () => {
    // Wide margins: a loaded 2-core machine can take tens of milliseconds between two calls.
    expect(await kv.setIfAbsent("claim:x", "first", 400)).not.toBeNull();
    expect(await kv.setIfAbsent("claim:x", "second", 400)).toBeNull();
    await sleep(800);
    expect(await kv.get("claim:x")).toBeUndefined();
    expect(await kv.setIfAbsent("claim:x", "third", 1000)).not.toBeNull();
    expect((await kv.get("claim:x"))?.value).toBe("third");
  });

  it("applies calls in the order they were made when none waits for the one before (one round trip)", async () => {
    // Redis learns a script at its first use (kv.ts: one it does not know yet is sent again after the calls behind
    // it); a fresh server, as in CI, has not seen these two scripts before this test.
    await kv.compareAndSet("order:warm", await kv.set("order:warm", "w"), "w2");
    await kv.apply([{ kind: "due-add", place: { set: "due:warm", member: "w", dueAt: 1 } }]);
    const token = await kv.set("order:a", "v1");
    // Plain commands and scripts mixed, none awaited before the next: any reordering changes an outcome below.
    const [replaced, , claimed, read, paired, readPair] = await Promise.all([
      kv.compareAndSet("order:a", token, "v2"),
      kv.delete("order:a"),
      kv.setIfAbsent("order:a", "v3"),
      kv.get("order:a"),
      kv.apply([
        {
          kind: "create",
          key: "order:b",
          value: "b",
          ttlMs: undefined,
          place: { set: "due:order", member: "b", dueAt: 7 },
        },
      ]),
      kv.dueSets.due("due:order", 10, 10),
    ]);
    expect(replaced).not.toBeNull();
    expect(claimed).not.toBeNull();
    expect(read?.value).toBe("v3");
    expect(paired).toHaveLength(1);
    expect(paired[0]).not.toBeNull();
    expect(readPair).toEqual(["b"]);
  });

  it("lets exactly one of 30 concurrent claims win, across two connections", async () => {
    const other = backend.open();
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? kv : other).setIfAbsent("claim:pay", `by-${i}`, 60_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("loses no increment when 20 writers compare-and-set the same counter on two connections", async () => {
    const other = backend.open();
    await kv.set("counter", "0");
    const increment = async (store: AtomicKv) => {
      for (;;) {
        const current = await store.get("counter");
        if (current === undefined) throw new Error("counter vanished");
        if (await store.compareAndSet("counter", current.token, String(Number(current.value) + 1))) return;
      }
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => increment(i % 2 === 0 ? kv : other)));
    expect((await kv.get("counter"))?.value).toBe("20");
  });

  it("refuses a compare-and-set or delete with a stale token", async () => {
    await kv.set("doc", "v1");
    const first = await kv.get("doc");
    if (first === undefined) throw new Error("missing");
    expect(await kv.compareAndSet("doc", first.token, "v2")).not.toBeNull();
    expect(await kv.compareAndSet("doc", first.token, "v3")).toBeNull();
    expect(await kv.compareAndDelete("doc", first.token)).toBe(false);
    const second = await kv.get("doc");
    if (second === undefined) throw new Error("missing");
    expect(await kv.compareAndDelete("doc", second.token)).toBe(true);
    expect(await kv.get("doc")).toBeUndefined();
  });

  it("answers each write with the token a later compare-and-set or delete accepts, as a read would give", async () => {
    const written = await kv.set("doc", "v1");
    expect(written).toBe((await kv.get("doc"))?.token);
    const claimed = await kv.setIfAbsent("claim:t", "me", 60_000);
    expect(claimed).toBe((await kv.get("claim:t"))?.token);
    const replaced = await kv.compareAndSet("doc", written, "v2");
    expect(replaced).toBe((await kv.get("doc"))?.token);
    expect(await kv.compareAndDelete("doc", replaced ?? "")).toBe(true);
    expect(await kv.compareAndDelete("claim:t", claimed ?? "")).toBe(true);
  });

  it("counts a due set's members, each once however often it was put there", async () => {
    expect(await kv.dueSets.count("due:forms:PAID")).toBe(0);
    await kv.dueSets.add("due:forms:PAID", "p1", 1);
    await kv.dueSets.add("due:forms:PAID", "p1", 2);
    await kv.dueSets.add("due:forms:PAID", "p2", 3);
    await kv.dueSets.add("due:forms:READY", "p3", 3);
    expect(await kv.dueSets.count("due:forms:PAID")).toBe(2);
    await kv.dueSets.remove("due:forms:PAID", "p1");
    expect(await kv.dueSets.count("due:forms:PAID")).toBe(1);
  });

  it("removes a due set's member only while it is due when the caller says (an in-flight mark's own stamp)", async () => {
    const stamp = 2 ** 47 - 3; // as large as the marks' stamps get: exact as a Redis score and an SQLite integer
    await kv.dueSets.add("due:marks", "p1", stamp);
    expect(await kv.dueSets.removeIf("due:marks", "p1", stamp - 1)).toBe(false);
    expect(await kv.dueSets.due("due:marks", Number.POSITIVE_INFINITY, 10)).toEqual(["p1"]);
    expect(await kv.dueSets.removeIf("due:marks", "p1", stamp)).toBe(true);
    expect(await kv.dueSets.due("due:marks", Number.POSITIVE_INFINITY, 10)).toEqual([]);
    expect(await kv.dueSets.removeIf("due:marks", "p1", stamp)).toBe(false);
  });

  it("writes a record and its place in a due set together, or neither when the record is there", async () => {
    const pending = () => kv.dueSets.due("due:pending", Number.POSITIVE_INFINITY, 10);
    const create = (value: string, dueAt: number) =>
      kv.apply([
        { kind: "create", key: "outbox:d1", value, ttlMs: 60_000, place: { set: "due:pending", member: "d1", dueAt } },
      ]);
    const [token] = await create("entry", 5);
    expect(token).toBeTruthy();
    expect(await pending()).toEqual(["d1"]);
    // The token is the one a later compare-and-set accepts.
    expect((await kv.get("outbox:d1"))?.token).toBe(token);
    await kv.dueSets.remove("due:pending", "d1");
    expect(await create("again", 6)).toEqual([null]);
    expect(await pending()).toEqual([]);
    expect((await kv.get("outbox:d1"))?.value).toBe("entry");
  });

  it("commits a change and every step that goes with it together, or nothing with a stale token", async () => {
    const members = (set: string) => kv.dueSets.due(set, Number.POSITIVE_INFINITY, 10);
    await kv.set("payment:p1", "open");
    await kv.set("outbox:sent-before", "kept");
    await kv.set("reconcile:payment:p1", "entry");
    await kv.dueSets.add("due:reconcile", "payment:p1", 50);
    await kv.set("open-notice:a", '{"paymentId":"p1"}');
    await kv.set("open-notice:b", '{"paymentId":"p2"}');
    await kv.dueSets.add("due:marks", "p1", 7);
    await kv.set("hold:x", '{"paymentId":"p1"}');
    await kv.dueSets.add("due:hold", "x", 3);
    await kv.set("hold:y", '{"paymentId":"p2"}');
    await kv.dueSets.add("due:hold", "y", 4);
    const steps = [
      {
        kind: "create",
        key: "outbox:card",
        value: "card",
        ttlMs: 60_000,
        place: { set: "due:pending", member: "card", dueAt: 1 },
      },
      {
        kind: "create",
        key: "outbox:sent-before",
        value: "again",
        ttlMs: 60_000,
        place: { set: "due:pending", member: "sent-before", dueAt: 2 },
      },
      { kind: "create", key: "outbox:status", value: "paid", ttlMs: undefined },
      { kind: "delete", key: "reconcile:payment:p1", place: { set: "due:reconcile", member: "payment:p1" } },
      { kind: "delete", key: "open-notice:a", only: { value: '{"paymentId":"p1"}' } },
      { kind: "delete", key: "open-notice:b", only: { value: '{"paymentId":"p1"}' } },
      { kind: "delete", key: "hold:x", only: { value: '{"paymentId":"p1"}' }, place: { set: "due:hold", member: "x" } },
      { kind: "delete", key: "hold:y", only: { value: '{"paymentId":"p1"}' }, place: { set: "due:hold", member: "y" } },
      { kind: "due-remove", place: { set: "due:marks", member: "p1" } },
      { kind: "due-add", place: { set: "due:other-marks", member: "p1", dueAt: 9 } },
    ] as const;
    const first = await kv.get("payment:p1");
    if (first === undefined) throw new Error("missing");
    await kv.set("payment:p1", "changed by another");
    const change = { key: "payment:p1", value: "paid", ttlMs: undefined };
    expect(await kv.commit({ ...change, token: first.token }, steps)).toBeNull();
    expect(await kv.get("outbox:card")).toBeUndefined();
    expect(await members("due:pending")).toEqual([]);
    expect(await members("due:reconcile")).toEqual(["payment:p1"]);
    expect(await members("due:marks")).toEqual(["p1"]);
    expect((await kv.get("open-notice:a"))?.value).toBe('{"paymentId":"p1"}');

    const current = await kv.get("payment:p1");
    if (current === undefined) throw new Error("missing");
    const committed = await kv.commit({ ...change, token: current.token }, steps);
    expect(committed?.created.map((token) => token !== null)).toEqual([true, false, true]);
    // A created record's token is the one a later compare-and-set accepts.
    expect(committed?.created[0]).toBe((await kv.get("outbox:card"))?.token);
    expect(await kv.get("payment:p1")).toEqual({ value: "paid", token: committed?.token });
    expect((await kv.get("outbox:card"))?.value).toBe("card");
    expect((await kv.get("outbox:sent-before"))?.value).toBe("kept");
    expect((await kv.get("outbox:status"))?.value).toBe("paid");
    // Only the delivery the commit stored goes on the pending list.
    expect(await members("due:pending")).toEqual(["card"]);
    expect(await kv.get("reconcile:payment:p1")).toBeUndefined();
    expect(await members("due:reconcile")).toEqual([]);
    // The notice this payment held is freed; one held by another payment is left.
    expect(await kv.get("open-notice:a")).toBeUndefined();
    expect((await kv.get("open-notice:b"))?.value).toBe('{"paymentId":"p2"}');
    expect(await members("due:marks")).toEqual([]);
    expect(await members("due:other-marks")).toEqual(["p1"]);
    // A conditional delete takes the record's place out only when it deleted the record.
    expect(await kv.get("hold:x")).toBeUndefined();
    expect((await kv.get("hold:y"))?.value).toBe('{"paymentId":"p2"}');
    expect(await members("due:hold")).toEqual(["y"]);
  });

  it("puts records and deletes one only at the version given, in a commit (a chat's pace and lease with its last delivery)", async () => {
    await kv.set("outbox:d1", "pending");
    await kv.set("chat-pace:c1", "old pace", 60_000);
    const lease = await kv.setIfAbsent("lease:c1", "ours", 5_000);
    const stale = await kv.setIfAbsent("lease:c2", "ours", 5_000);
    if (lease === null || stale === null) throw new Error("not created");
    await kv.set("lease:c2", "another holder's", 5_000);
    const steps = [
      { kind: "put", key: "chat-pace:c1", value: "new pace", ttlMs: 60_000 },
      { kind: "put", key: "chat-pace:c3", value: "first pace", ttlMs: undefined },
      { kind: "delete", key: "lease:c1", only: { token: lease } },
      { kind: "delete", key: "lease:c2", only: { token: stale } },
    ] as const;
    const first = await kv.get("outbox:d1");
    if (first === undefined) throw new Error("missing");
    await kv.set("outbox:d1", "changed by another");
    const change = { key: "outbox:d1", value: "sent", ttlMs: undefined };
    expect(await kv.commit({ ...change, token: first.token }, steps)).toBeNull();
    expect((await kv.get("chat-pace:c1"))?.value).toBe("old pace");
    expect(await kv.get("chat-pace:c3")).toBeUndefined();
    expect((await kv.get("lease:c1"))?.value).toBe("ours");

    const current = await kv.get("outbox:d1");
    if (current === undefined) throw new Error("missing");
    expect(await kv.commit({ ...change, token: current.token }, steps)).not.toBeNull();
    expect((await kv.get("outbox:d1"))?.value).toBe("sent");
    expect((await kv.get("chat-pace:c1"))?.value).toBe("new pace");
    expect((await kv.get("chat-pace:c3"))?.value).toBe("first pace");
    // Our version of the lease is gone; a lease someone else wrote since is left alone.
    expect(await kv.get("lease:c1")).toBeUndefined();
    expect((await kv.get("lease:c2"))?.value).toBe("another holder's");
    // The chat is free at once: the next holder takes its lease.
    expect(await kv.setIfAbsent("lease:c1", "next holder", 5_000)).not.toBeNull();
  });

  it("lists keys by prefix only", async () => {
    await kv.set("outbox:1", "a");
    await kv.set("outbox:2", "b");
    await kv.set("outboxes:3", "c");
    await kv.set("payment:1", "d");
    expect((await kv.keys("outbox:")).sort()).toEqual(["outbox:1", "outbox:2"]);
  });
});

// Only the backends that outlive a connection: memory is per process by design, so nothing survives its restart.
describe.each(testBackends().filter((name) => name !== "memory"))("AtomicKv on %s, reopened", (name) => {
  let backend: TestBackend;
  beforeEach(() => {
    backend = createTestBackend(name);
  });
  afterEach(async () => {
    await backend.dispose();
  });

  it("keeps values across a reconnect (a restart over the same data)", async () => {
    const kv = backend.open();
    await kv.set("payment:p1", '{"state":"running"}');
    expect(await kv.setIfAbsent("claim:p1", "first-process", 60_000)).not.toBeNull();
    await kv.close();
    const reopened = backend.open();
    expect((await reopened.get("payment:p1"))?.value).toBe('{"state":"running"}');
    // A claim taken before the restart still holds after it.
    expect(await reopened.setIfAbsent("claim:p1", "second-process", 60_000)).toBeNull();
    expect((await reopened.get("claim:p1"))?.value).toBe("first-process");
  });
});
