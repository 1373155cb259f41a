import { Telegram, type TelegramError } from "telegraf";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseTelegramHtml } from "./html.ts";
import { type PeerChat, startTelegramPeer, type TelegramPeer } from "./peer.ts";

let peer: TelegramPeer;
let telegram: Telegram;
let chat: PeerChat;
beforeEach(async () => {
  peer = await startTelegramPeer({ callbackTtlMs: 200 });
  telegram = new Telegram(peer.token, { apiRoot: peer.apiRoot, webhookReply: false });
  chat = peer.privateChat({ first_name: "Tina" });
});
afterEach(async () => {
  await peer.stop();
});

const call = (method: string, init: RequestInit = {}) => fetch(`${peer.apiRoot}bot${peer.token}/${method}`, init);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error as TelegramError,
  );

describe("the local Bot API peer", () => {
  it("refuses a wrong token with 401 and an unknown method with 404", async () => {
    const wrong = await fetch(`${peer.apiRoot}bot1:nope/getMe`);
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    expect((await call("sendSticker", { method: "POST" })).status).toBe(404);
  });

  it("accepts JSON, urlencoded and multipart bodies alike", async () => {
    await call("sendMessage", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chat_id: chat.id, text: "json" }),
    });
    await call("sendMessage", {
      method: "POST",
      body: new URLSearchParams({ chat_id: String(chat.id), text: "form" }),
    });
    const form = new FormData();
    form.set("chat_id", String(chat.id));
    form.set("text", "multipart");
    form.set("reply_markup", JSON.stringify({ inline_keyboard: [[{ text: "Ok", callback_data: "r:1" }]] }));
    await call("sendMessage", { method: "POST", body: form });
    expect(chat.botMessages().map((m) => [m.text, m.buttons.flat().map((b) => b.text)])).toEqual([
      ["json", []],
      ["form", []],
      ["multipart", ["Ok"]],
    ]);
  });

  it("rejects HTML Telegram would reject, and callback data over 64 bytes", async () => {
    const badHtml = await refusal(telegram.sendMessage(chat.id, "<b>bold", { parse_mode: "HTML" }));
    expect(badHtml?.description).toMatch(/can't parse entities/);
    const unescaped = await refusal(telegram.sendMessage(chat.id, "1 < 2", { parse_mode: "HTML" }));
    expect(unescaped?.description).toMatch(/can't parse entities/);
    const longData = await refusal(
      telegram.sendMessage(chat.id, "x", {
        reply_markup: { inline_keyboard: [[{ text: "a", callback_data: "d".repeat(65) }]] },
      }),
    );
    expect(longData?.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect(parseTelegramHtml("a &amp; b &#8364; &copy;")).toEqual({ ok: true, text: "a & b € &copy;" });
  });

  it("long-polls: getUpdates waits for the next update, and offset confirms what came before", async () => {
    const started = Date.now();
    const waiting = telegram.getUpdates(5, 100, 0, []);
    setTimeout(() => chat.sendText("ciao"), 100);
    const [first] = await waiting;
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(first).toMatchObject({ message: { text: "ciao" } });
    expect(await telegram.getUpdates(0, 100, (first?.update_id ?? 0) + 1, [])).toEqual([]);
    expect(peer.state.pending).toEqual([]);
  });

  it("answers 409 to getUpdates while a webhook is set", async () => {
    await telegram.setWebhook("http://127.0.0.1:9/hook", { secret_token: "s3cret" });
    expect((await refusal(telegram.getUpdates(0, 100, 0, [])))?.code).toBe(409);
    const info = await telegram.getWebhookInfo();
    expect(info.url).toBe("http://127.0.0.1:9/hook");
  });

  it("says a callback query is too old once its time is up, and answers it only once", async () => {
    await telegram.sendMessage(chat.id, "card", {
      reply_markup: { inline_keyboard: [[{ text: "Paga", callback_data: "r:p" }]] },
    });
    const fresh = chat.press(1, "Paga");
    expect(await telegram.answerCbQuery(fresh.queryId, "ok")).toBe(true);
    expect((await refusal(telegram.answerCbQuery(fresh.queryId, "again")))?.description).toMatch(/query is too old/);
    const stale = chat.press(1, "Paga");
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect((await refusal(telegram.answerCbQuery(stale.queryId)))?.description).toMatch(/query is too old/);
  });

  it("serves files by relative path and refuses getFile over 20 MB", async () => {
    chat.sendDocument(new TextEncoder().encode("%PDF-1.7"), { fileName: "a.pdf", mimeType: "application/pdf" });
    chat.sendDocument(new Uint8Array(21 * 1024 * 1024), { fileName: "big.pdf", mimeType: "application/pdf" });
    const [small, big] = [...peer.state.files.values()];
    const file = await telegram.getFile(small?.fileId ?? "");
    expect(file.file_path).toMatch(/^documents\/file_\d+\.pdf$/);
    const link = await telegram.getFileLink(file);
    expect(await (await fetch(link)).text()).toBe("%PDF-1.7");
    expect((await refusal(telegram.getFile(big?.fileId ?? "")))?.description).toBe("Bad Request: file is too big");
  });

  it("injects 429 with retry_after, 5xx and slow answers", async () => {
    peer.faults.add({ method: "sendMessage", fault: { kind: "rate-limit", retryAfterS: 3 }, times: 1 });
    peer.faults.add({ method: "sendChatAction", fault: { kind: "server-error", status: 502 }, times: 1 });
    peer.faults.add({ method: "getMe", fault: { kind: "delay", ms: 150 }, times: 1 });
    const limited = await refusal(telegram.sendMessage(chat.id, "x"));
    expect([limited?.code, limited?.parameters?.retry_after]).toEqual([429, 3]);
    expect((await refusal(telegram.sendChatAction(chat.id, "typing")))?.code).toBe(502);
    const started = Date.now();
    await telegram.getMe();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await telegram.sendMessage(chat.id, "x");
    expect(chat.botMessages()).toHaveLength(1);
  });

  it("applies per-chat flood control when asked", async () => {
    peer.faults.floodControl({ perChat: 2, windowMs: 1_000 });
    await telegram.sendMessage(chat.id, "1");
    await telegram.sendMessage(chat.id, "2");
    expect((await refusal(telegram.sendMessage(chat.id, "3")))?.code).toBe(429);
    expect(chat.botMessages().map((m) => m.text)).toEqual(["1", "2"]);
  });

  it("posts updates to the webhook with the secret header and retries until a 2xx", async () => {
    const { createServer } = await import("node:http");
    const seen: { secret: string | undefined; status: number }[] = [];
    let failuresLeft = 2;
    const server = createServer((req, res) => {
      const status = failuresLeft-- > 0 ? 500 : 200;
      seen.push({ secret: req.headers["x-telegram-bot-api-secret-token"] as string | undefined, status });
      req.resume();
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await telegram.setWebhook(`http://127.0.0.1:${port}/hook`, { secret_token: "abc_DEF-1" });
    chat.sendText("ciao");
    for (let waited = 0; peer.state.pending.length > 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    server.close();
    expect(seen).toEqual([
      { secret: "abc_DEF-1", status: 500 },
      { secret: "abc_DEF-1", status: 500 },
      { secret: "abc_DEF-1", status: 200 },
    ]);
    expect(peer.state.pending).toEqual([]);
  });

  it("under privacy mode, shows a group's plain messages to people but not to the bot", () => {
    const group = peer.group("Famiglia", { first_name: "Ugo" });
    expect(group.sendText("ciao a tutti").delivered).toBe(false);
    expect(group.sendText("/help").delivered).toBe(true);
    expect(group.sendText("/help@other_bot").delivered).toBe(false);
    expect(peer.state.pending).toHaveLength(1);
  });
});
