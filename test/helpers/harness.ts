import { setTimeout as sleep } from "node:timers/promises";
import { type App, type AppOverrides, createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createManualClock, type ManualClock } from "../../src/droppay/index.ts";
import { type SandboxHandle, startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { CommandName, EventAck, IncomingFile, Sender } from "../../src/engine/events.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { generateSecretKey } from "../../src/store/crypto.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { RecordingChatPort, viewText } from "./recording-chat-port.ts";

/** People of the tests: Maria and Luca write in Italian, John in English. */
export const people = {
  maria: { userId: "u-maria", name: "Maria", locale: "it-IT" },
  luca: { userId: "u-luca", name: "Luca", locale: "it" },
  john: { userId: "u-john", name: "John", locale: "en-GB" },
} satisfies Record<string, Sender>;

/** One key for every harness, so that apps sharing a store (replicas, restarts) open each other's secrets. */
const SECRET_KEYS = generateSecretKey("test");

export interface HarnessOptions extends Omit<AppOverrides, "kv" | "sandbox" | "clock"> {
  /** A store shared with another harness (a second replica, or the same bot restarted). */
  readonly kv?: AtomicKv;
  /** A sandbox shared with another harness. */
  readonly sandbox?: SandboxHandle;
  readonly clock?: ManualClock;
  readonly storeUrl?: string;
  /** The chat surface of an earlier harness: the same chats, with the messages they already show (a restart). */
  readonly port?: RecordingChatPort;
  /** Talk to the sandbox as to the real DropPay (DROPPAY_BASE_URL set): no demo accounts, linking needed. */
  readonly live?: boolean;
}

/**
 * pagobot as `npm start` assembles it (createApp), over a real store and the DropPay sandbox on loopback, with
 * a RecordingChatPort as its chat surface. `send`, `press`, `command` and `files` act as a person would; the
 * port shows what they see.
 */
export interface Harness {
  readonly app: App;
  readonly port: RecordingChatPort;
  readonly sandbox: SandboxHandle;
  readonly clock: ManualClock;
  readonly chatId: string;
  send(text: string, from?: Sender, chatId?: string): Promise<EventAck>;
  command(name: CommandName, args?: string, from?: Sender, chatId?: string): Promise<EventAck>;
  press(label: RegExp, from?: Sender, chatId?: string): Promise<EventAck>;
  files(files: IncomingFile[], from?: Sender, chatId?: string): Promise<EventAck>;
  /** Waits until the chat shows a message matching `pattern`. */
  see(pattern: RegExp, chatId?: string, timeoutMs?: number): Promise<string>;
  /** The chat's messages as they look now. */
  texts(chatId?: string): string[];
  /** Waits for the engine, the outbox and the sandbox's webhooks to fall quiet. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

let eventCounter = 0;

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? createManualClock(Date.now());
  const ownSandbox = options.sandbox === undefined;
  const sandbox =
    options.sandbox ??
    (await startSandbox({ clock, timing: { settleMs: 30, promisedMs: 30, slowMs: 300 }, ...options.sandboxOptions }));
  const config = loadConfig({
    ...(options.live
      ? { DROPPAY_BASE_URL: sandbox.url, DROPPAY_APP_KEY: sandbox.app.key, DROPPAY_APP_SECRET: sandbox.app.secret }
      : {}),
    PORT: "0",
    STORE_URL: options.storeUrl ?? "memory://",
    SECRET_KEYS,
    LOG_LEVEL: "silent",
    DEFAULT_LOCALE: "it",
  });
  const { kv, sandbox: _s, clock: _c, storeUrl: _u, port: _p, live: _l, ...overrides } = options;
  const app = await createApp(config, {
    logger: silentLogger,
    clock,
    sandbox,
    ...(kv === undefined ? {} : { kv }),
    reconcilerTickMs: 50,
    timing: { createRetryDelaysMs: [5, 5], ...overrides.timing },
    ...overrides,
  });
  const port = options.port ?? new RecordingChatPort("playground");
  app.engine.registerPort(port);
  await app.start();
  const chatId = "chat-1";
  const chat = (id: string) => ({ platform: "playground" as const, chatId: id, kind: "private" as const });
  const eventId = () => `e${++eventCounter}`;
  const harness: Harness = {
    app,
    port,
    sandbox,
    clock,
    chatId,
    send: (text, from = people.maria, id = chatId) =>
      app.engine.handle({ type: "text", chat: chat(id), from, text, eventId: eventId() }),
    command: (name, args = "", from = people.maria, id = chatId) =>
      app.engine.handle({ type: "command", chat: chat(id), from, name, args, eventId: eventId() }),
    press(label, from = people.maria, id = chatId) {
      const button = port.button(id, label);
      return app.engine.handle({
        type: "button",
        chat: chat(id),
        from,
        ref: button.ref,
        messageId: button.messageId,
        eventId: eventId(),
      });
    },
    files: (files, from = people.maria, id = chatId) =>
      app.engine.handle({ type: "files", chat: chat(id), from, files, eventId: eventId() }),
    async see(pattern, id = chatId, timeoutMs = 10_000) {
      let found = "";
      await port.waitFor(
        () => {
          found = port.texts(id).find((t) => pattern.test(t)) ?? "";
          return found !== "";
        },
        timeoutMs,
        String(pattern),
      );
      return found;
    },
    texts: (id = chatId) => port.texts(id),
    async settle() {
      for (let i = 0; i < 3; i++) {
        await app.engine.drain();
        await sandbox.admin.webhooks.idle();
        await sleep(10);
      }
      await app.engine.drain();
    },
    async stop() {
      await app.stop();
      if (ownSandbox) await sandbox.close();
    },
  };
  return harness;
}

/** A file handle over bytes in memory, as an adapter builds one. */
export function memoryFile(bytes: Uint8Array, mimeType: string, name = "notice"): IncomingFile {
  return {
    name,
    mimeType,
    sizeBytes: bytes.byteLength,
    async download(maxBytes: number) {
      if (bytes.byteLength > maxBytes) throw new Error("too large");
      return bytes;
    },
  };
}

export { viewText };
