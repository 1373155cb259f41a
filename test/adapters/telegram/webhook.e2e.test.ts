import { expect, it } from "vitest";
import { botMessagesNow, botShows } from "./e2e/conversation.ts";
import { describeEndToEnd } from "./e2e/scenarios.ts";

describeEndToEnd("webhook", (get) => {
  it("answers an update Telegram delivers twice only once", async () => {
    const { peer } = get();
    const chat = peer.privateChat({ first_name: "Teo" });
    const sent = chat.sendText("/aiuto");
    await botShows(peer, chat, (s) => s.text.includes("Come si usa"));
    chat.redeliver(sent.updateId ?? 0);
    await until(
      () => peer.webhook.deliveries.filter((d) => d.updateId === sent.updateId && d.status === 200).length === 2,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(botMessagesNow(chat).filter((s) => s.text.includes("Come si usa"))).toHaveLength(1);
  });

  it("answers 403 to an update posted with a wrong secret token, and the person hears nothing", async () => {
    const { peer, webhookUrl } = get();
    const chat = peer.privateChat({ first_name: "Mallory" });
    const forged = {
      update_id: 1,
      message: { message_id: 1, date: 1_700_000_000, chat: chat.chat, from: chat.person, text: "/start" },
    };
    const post = (secret: string | undefined) =>
      fetch(webhookUrl ?? "", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(secret === undefined ? {} : { "x-telegram-bot-api-secret-token": secret }),
        },
        body: JSON.stringify(forged),
      });
    expect((await post("not-the-secret")).status).toBe(403);
    expect((await post(undefined)).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(botMessagesNow(chat)).toEqual([]);
    // Every update Telegram itself delivered carried the right secret and was taken.
    expect(peer.webhook.deliveries.length).toBeGreaterThan(0);
    expect(peer.webhook.deliveries.every((d) => d.secretSent)).toBe(true);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
