import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Chat, User } from "telegraf/types";
import { Faults } from "./faults.ts";
import { createPeerHandler } from "./http.ts";
import { PeerState, type TranscriptEntry } from "./state.ts";
import { formatTranscript } from "./transcript.ts";
import { PeerChat } from "./user.ts";
import { WebhookSender } from "./webhook.ts";

export type { Fault, FaultRule, FloodControl } from "./faults.ts";
export type { ApiCall, ChatMessage, SeenButton, TranscriptEntry } from "./state.ts";
export type { AlbumItem, Sent } from "./user.ts";
export { PeerChat } from "./user.ts";

export interface TelegramPeerOptions {
  /** The bot's token; a random valid-looking one when absent. */
  readonly token?: string;
  /** How long callback queries can be answered (Telegram: about 15 s). */
  readonly callbackTtlMs?: number;
  /** First wait before a failed webhook delivery is retried. */
  readonly webhookRetryMs?: number;
  readonly now?: () => number;
}

/**
 * A local Telegram Bot API server for tests (platforms.md §3): the bot side speaks the Bot API over HTTP on
 * loopback; the people side injects messages, files, albums and button presses and reads the transcript.
 */
export interface TelegramPeer {
  /** What to give telegraf as `telegram.apiRoot` (ends in "/"). */
  readonly apiRoot: string;
  readonly token: string;
  readonly state: PeerState;
  readonly faults: Faults;
  readonly webhook: WebhookSender;
  privateChat(person: Partial<User> & { readonly first_name: string }): PeerChat;
  group(
    title: string,
    person: Partial<User> & { readonly first_name: string },
    options?: { privacy?: boolean },
  ): PeerChat;
  /** Resolves with the first transcript entry (from now on, or already there) that passes the test. */
  waitFor(
    test: (entry: TranscriptEntry) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<TranscriptEntry>;
  /** The conversation so far, formatted for a person to read (optionally for one chat). */
  printTranscript(chatId?: number): string;
  stop(): Promise<void>;
}

let nextPersonId = 7_000_001;

export async function startTelegramPeer(options: TelegramPeerOptions = {}): Promise<TelegramPeer> {
  const now = options.now ?? Date.now;
  const token =
    options.token ?? `${700_000_000 + Math.floor(Math.random() * 1000)}:${randomBytes(18).toString("base64url")}`;
  const state = new PeerState(token, now);
  const faults = new Faults(now);
  const retryMs = options.webhookRetryMs ?? 100;
  const webhook = new WebhookSender(state, { retryDelayMs: retryMs, maxRetryDelayMs: retryMs * 16 });
  const handler = createPeerHandler(state, faults, {
    callbackTtlMs: options.callbackTtlMs ?? 15_000,
    webhookError: () => webhook.lastError,
  });
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const person = (fields: Partial<User> & { first_name: string }): User => {
    nextPersonId += 1;
    return { id: nextPersonId, is_bot: false, language_code: "it", ...fields };
  };

  return {
    apiRoot: `http://127.0.0.1:${port}/`,
    token,
    state,
    faults,
    webhook,
    privateChat(fields) {
      const user = person(fields);
      const chat = { id: user.id, type: "private", first_name: user.first_name } as Chat;
      state.chats.set(chat.id, chat);
      return new PeerChat(state, chat, user, false);
    },
    group(title, fields, groupOptions = {}) {
      const chat = { id: -(4_000_000_000 + state.chats.size), type: "supergroup", title } as Chat;
      state.chats.set(chat.id, chat);
      return new PeerChat(state, chat, person(fields), groupOptions.privacy ?? true);
    },
    waitFor(test, waitOptions = {}) {
      const since = waitOptions.since ?? 0;
      const timeoutMs = waitOptions.timeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = state.transcript.find((entry) => entry.seq > since && test(entry));
          if (found === undefined) return;
          clearTimeout(timer);
          state.off("transcript", check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          state.off("transcript", check);
          reject(
            new Error(`nothing matched within ${timeoutMs} ms; transcript:\n${formatTranscript(state.transcript)}`),
          );
        }, timeoutMs);
        state.on("transcript", check);
        check();
      });
    },
    printTranscript(chatId) {
      const entries = chatId === undefined ? state.transcript : state.transcript.filter((e) => e.chatId === chatId);
      return formatTranscript(entries);
    },
    async stop() {
      webhook.stop();
      state.emit("update");
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
