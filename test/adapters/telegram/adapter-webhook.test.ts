import { afterEach, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.stop();
  harness = undefined;
});

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const update = (updateId: number, chatId: number) => ({
  update_id: updateId,
  message: {
    message_id: 1,
    date: 1_700_000_000,
    chat: { id: chatId, type: "private", first_name: "Mallory" },
    from: { id: chatId, is_bot: false, first_name: "Mallory" },
    text: "302016723749670000 77777777777",
  },
});

describe("Telegram adapter in webhook mode, on pagobot's own HTTP server", () => {
  it("registers its webhook with the secret and receives updates through it", async () => {
    harness = await startHarness({ webhook: true });
    const { peer, engine } = harness;
    expect(peer.state.webhook).toEqual({ url: `${harness.httpUrl}/telegram/hook`, secretToken: "test-secret_123" });
    expect(peer.state.allowedUpdates).toEqual(["message", "callback_query", "my_chat_member"]);
    const chat = peer.privateChat({ first_name: "Pia" });
    chat.sendText("/help");
    expect((await engine.waitForEvents(1))[0]).toMatchObject({ type: "command", name: "help" });
    await until(() => peer.webhook.deliveries.length > 0);
    expect(peer.webhook.deliveries).toEqual([{ updateId: expect.any(Number), status: 200, secretSent: true }]);
    // Telegram refuses getUpdates while a webhook is set; the adapter does not poll.
    const poll = await fetch(`${peer.apiRoot}bot${peer.token}/getUpdates`);
    expect(poll.status).toBe(409);
  });

  it("answers 403 to a post with a wrong or missing secret, and the engine never hears of it", async () => {
    harness = await startHarness({ webhook: true });
    const url = `${harness.httpUrl}/telegram/hook`;
    const post = (headers: Record<string, string>) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update(91, 4242)),
      });
    expect((await post({ "x-telegram-bot-api-secret-token": "test-secret_124" })).status).toBe(403);
    expect((await post({ "x-telegram-bot-api-secret-token": "test-secret_123-and-more" })).status).toBe(403);
    expect((await post({})).status).toBe(403);
    expect((await fetch(url)).status).toBe(405);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(harness.engine.events).toEqual([]);
    // The right secret goes through: the check is not refusing everything.
    expect((await post({ "x-telegram-bot-api-secret-token": "test-secret_123" })).status).toBe(200);
    expect(harness.engine.events).toHaveLength(1);
  });

  it("rejects a body that is not an update", async () => {
    harness = await startHarness({ webhook: true });
    const response = await fetch(`${harness.httpUrl}/telegram/hook`, {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": "test-secret_123" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
  });

  it("ignores an update Telegram posts twice", async () => {
    harness = await startHarness({ webhook: true });
    const { peer, engine } = harness;
    const chat = peer.privateChat({ first_name: "Quinto" });
    const sent = chat.sendText("302016723749670000 77777777777");
    await engine.waitForEvents(1);
    await until(() => peer.state.pending.length === 0);
    chat.redeliver(sent.updateId ?? 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.webhook.deliveries.filter((d) => d.updateId === sent.updateId)).toHaveLength(2);
    expect(engine.events).toHaveLength(1);
    expect(engine.duplicates.map((e) => e.eventId)).toEqual([String(sent.updateId)]);
  });

  it("while stopping, answers 503 so Telegram keeps the update for later", async () => {
    harness = await startHarness({ webhook: true });
    const { peer, engine, adapter } = harness;
    await adapter.stop();
    const chat = peer.privateChat({ first_name: "Rosa" });
    chat.sendText("ciao");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(peer.webhook.deliveries.map((d) => d.status)).toContain(503);
    expect(peer.state.pending).toHaveLength(1);
    expect(engine.events).toEqual([]);
  });
});
