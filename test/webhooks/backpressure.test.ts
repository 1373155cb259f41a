import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../../src/http/server.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { createWebhookCredentials } from "../../src/webhooks/credentials.ts";
import { mountWebhookListener } from "../../src/webhooks/listener.ts";

/** A re-read that holds until released, recording which items were read. */
function gatedTargets() {
  const read: string[] = [];
  let open!: () => void;
  let gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const reread = async (id: string) => {
    read.push(id);
    await gate;
  };
  return {
    read,
    release() {
      open();
      gate = Promise.resolve();
    },
    targets: { rereadPayment: reread, rereadLink: reread },
  };
}

describe("the webhook listener's bounded re-read queue", () => {
  let http: HttpServer | undefined;
  afterEach(async () => http?.close());

  async function listener(options: { capacity: number; concurrency: number }) {
    http = createHttpServer(silentLogger);
    const credentials = createWebhookCredentials(createMemoryKv());
    const gated = gatedTargets();
    const queue = mountWebhookListener(http, { credentials, targets: gated.targets, logger: silentLogger, ...options });
    const base = await http.listen(0, "127.0.0.1");
    const post = async (id: string) => {
      const { user, password } = await credentials.issue("payment", id);
      const response = await fetch(`${base}/droppay/hook/payment/${id}`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
        body: JSON.stringify({ id, status: "PAID" }),
      });
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    };
    return { ...gated, queue, post };
  }

  it("answers 503 with Retry-After when the queue is full, so DropPay posts again later, and 204 once it drains", async () => {
    const l = await listener({ capacity: 2, concurrency: 1 });
    expect((await l.post("p1")).status).toBe(204); // running
    expect((await l.post("p2")).status).toBe(204); // waiting
    expect((await l.post("p3")).status).toBe(204); // waiting: the queue is now full
    expect(await l.post("p4")).toEqual({ status: 503, retryAfter: "1" });
    expect(l.read).toEqual(["p1"]);
    l.release();
    await l.queue.idle();
    expect(l.read).toEqual(["p1", "p2", "p3"]);
    // DropPay's retry of the refused one is taken now.
    expect((await l.post("p4")).status).toBe(204);
    await l.queue.idle();
    expect(l.read).toEqual(["p1", "p2", "p3", "p4"]);
  });

  it("takes a copy of a delivery already waiting without using a place, and reads a running item once more", async () => {
    const l = await listener({ capacity: 2, concurrency: 1 });
    expect((await l.post("p1")).status).toBe(204); // running
    expect((await l.post("p2")).status).toBe(204); // waiting: one place of two
    expect((await l.post("p2")).status).toBe(204); // a copy: covered by the read already waiting
    // A copy of p1 while it runs: its read may have begun before this change, so p1 is read again after.
    expect((await l.post("p1")).status).toBe(204);
    expect((await l.post("p3")).status).toBe(204); // the second place
    expect((await l.post("p4")).status).toBe(503);
    l.release();
    await l.queue.idle();
    expect(l.read.filter((id) => id === "p1")).toHaveLength(2);
    expect(l.read.filter((id) => id === "p2")).toHaveLength(1);
    expect(l.read.filter((id) => id === "p3")).toHaveLength(1);
  });
});
