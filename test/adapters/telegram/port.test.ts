import { Telegram } from "telegraf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTelegramPort, type TelegramPort } from "../../../adapters/telegram/port.ts";
import type { ChatRef } from "../../../src/engine/events.ts";
import { ChatDeliveryError, ChatRateLimitError } from "../../../src/engine/ports.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { type PeerChat, startTelegramPeer, type TelegramPeer } from "../../peers/telegram/peer.ts";

let peer: TelegramPeer;
let port: TelegramPort;
let chat: PeerChat;
let to: ChatRef;
beforeEach(async () => {
  peer = await startTelegramPeer();
  port = createTelegramPort(new Telegram(peer.token, { apiRoot: peer.apiRoot, webhookReply: false }), {
    logger: silentLogger,
    typingRenewMs: 50,
    typingMaxMs: 1_000,
  });
  chat = peer.privateChat({ first_name: "Olga" });
  to = { platform: "telegram", chatId: String(chat.id), kind: "private" };
});
afterEach(async () => {
  port.stopActivity();
  await peer.stop();
});

const hello = { type: "text", text: "Ciao <Olga> & benvenuta" } as const;

describe("Telegram ChatPort", () => {
  it("asks the outbox for Telegram's pace: a message a second per chat in bursts of two, and 20 a minute in a group", () => {
    const paced = createTelegramPort(new Telegram(peer.token, { apiRoot: peer.apiRoot }), {
      logger: silentLogger,
      minIntervalMs: 1_000,
    });
    expect(paced.pace?.(to)).toEqual([{ intervalMs: 1_000, burst: 2 }]);
    expect(paced.pace?.({ ...to, kind: "group" })).toEqual([
      { intervalMs: 1_000, burst: 2 },
      { intervalMs: 4_000, burst: 5 },
    ]);
    expect(port.pace).toBeUndefined();
  });

  it("sends text escaped for HTML, so the person sees it exactly", async () => {
    await port.deliver(to, hello);
    expect(chat.botMessages().map((m) => m.text)).toEqual(["Ciao <Olga> & benvenuta"]);
  });

  it("turns 429 into ChatRateLimitError with Telegram's retry_after, and sends nothing", async () => {
    peer.faults.add({ method: "sendMessage", fault: { kind: "rate-limit", retryAfterS: 7 }, times: 1 });
    const error = await port.deliver(to, hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatRateLimitError);
    expect((error as ChatRateLimitError).retryAfterMs).toBe(7_000);
    expect(chat.botMessages()).toHaveLength(0);
    await port.deliver(to, hello);
    expect(chat.botMessages()).toHaveLength(1);
  });

  it("reports a 5xx as a delivery error worth retrying", async () => {
    peer.faults.add({ method: "sendMessage", fault: { kind: "server-error", status: 502 }, times: 1 });
    const error = await port.deliver(to, hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatDeliveryError);
    expect((error as ChatDeliveryError).permanent).toBe(false);
  });

  it("reports a chat Telegram does not know as a permanent failure", async () => {
    const error = await port.deliver({ ...to, chatId: "123" }, hello).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChatDeliveryError);
    expect((error as ChatDeliveryError).permanent).toBe(true);
    expect((error as Error).message).toContain("chat not found");
  });

  it("sends a new message when the card to edit is gone", async () => {
    const result = await port.deliver(to, hello, { replace: "999" });
    expect(result.messageId).not.toBe("999");
    expect(chat.botMessages().map((m) => m.text)).toEqual(["Ciao <Olga> & benvenuta"]);
  });

  it("keeps 'typing…' up while a scan runs and stops renewing it once the answer is delivered", async () => {
    await port.showActivity?.(to);
    await new Promise((resolve) => setTimeout(resolve, 180));
    await port.deliver(to, hello);
    const typingBefore = peer.state.transcript.filter((e) => e.side === "bot" && e.kind === "action").length;
    expect(typingBefore).toBeGreaterThanOrEqual(3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const typingAfter = peer.state.transcript.filter((e) => e.side === "bot" && e.kind === "action").length;
    expect(typingAfter).toBe(typingBefore);
  });

  it("replies to the person's message when asked", async () => {
    const sent = chat.sendText("ecco il codice");
    await port.deliver(to, hello, { replyTo: String(sent.messageId) });
    const entry = await peer.waitFor((e) => e.side === "bot" && e.kind === "message");
    expect(entry).toMatchObject({ replyTo: sent.messageId });
  });
});
