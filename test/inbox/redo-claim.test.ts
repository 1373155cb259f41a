import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import type { InboundEvent } from "../../src/engine/events.ts";
import type { StoredEvent } from "../../src/inbox/accepted-event.ts";
import { createInbox } from "../../src/inbox/inbox.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createDueCollection } from "../../src/store/due-collection.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";

const text: InboundEvent = {
  type: "text",
  chat: { platform: "playground", chatId: "c1", kind: "private" },
  from: { userId: "u1", name: "Maria" },
  text: "ciao",
  eventId: "e1",
};

describe("the inbox's pass over accepted events", () => {
  it("leaves an event to the replica that claimed it after this pass judged it orphaned", async () => {
    const kv = createMemoryKv();
    const clock = createManualClock(1_000_000);
    const accepted = createDueCollection<StoredEvent>(kv, "inbox", (r) => r.acceptedAt);
    // Accepted by a replica that is gone (it holds no liveness lease).
    await accepted.put("e1", { event: text, owner: "dead", acceptedAt: clock.now(), redos: 0 });
    // Another live replica claims the event while this one waits for the event's redo lease.
    const racing = wrapKv(kv, async (call, what) => {
      if (what.op === "setIfAbsent" && what.key.startsWith("lease:inbox-redo:")) {
        await accepted.update("e1", (cur) => ({ ...cur, owner: "other", acceptedAt: cur.acceptedAt + 1, redos: 1 }));
      }
      return call();
    });
    const handled: InboundEvent[] = [];
    const inbox = createInbox({
      accepted: createDueCollection<StoredEvent>(racing, "inbox", (r) => r.acceptedAt),
      store: createEngineStore(racing),
      handle: async (event) => {
        handled.push(event);
        return {};
      },
      clock,
      logger: silentLogger,
    });
    expect(await inbox.redoOrphans()).toBe(0);
    expect(handled).toEqual([]);
    // Still the other replica's, not given up and deleted.
    expect((await accepted.get("e1"))?.owner).toBe("other");
  });
});
