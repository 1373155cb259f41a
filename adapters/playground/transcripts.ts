import { z } from "zod";
import type { Logger } from "../../src/log/logger.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import type { ChatEntry } from "./chat-entry.ts";

/** Where the playground keeps each chat's messages between restarts. */
export interface TranscriptStore {
  /** The chat's messages, oldest first; empty when none were kept (or what was kept is unreadable). */
  load(chatId: string): Promise<ChatEntry[]>;
  /** Keeps the chat's messages; writes are coalesced, so call it after every change. */
  save(chatId: string, entries: readonly ChatEntry[]): void;
  /** Writes what is still waiting (at shutdown, and in tests). */
  flush(): Promise<void>;
}

export interface KvTranscriptOptions {
  /** Messages kept per chat: the newest. */
  readonly maxEntries?: number;
  /** A chat nobody touched for this long is forgotten by the store itself. */
  readonly ttlMs?: number;
  /** How long changes are gathered before one write (a card edited five times in a second is one write). */
  readonly coalesceMs?: number;
}

// Only the outline is checked: entries are the playground's own writes, and the page renders views as plain text.
const entriesSchema = z.array(
  z.looseObject({ id: z.string(), author: z.enum(["bot", "person"]) }).transform((e) => e as unknown as ChatEntry),
);

/**
 * Transcripts in pagobot's store (SQLite, Redis or memory, through the AtomicKv port), one key per chat:
 * `playground:transcript:<chatId>`, JSON, bounded to the newest `maxEntries` messages and expiring after `ttlMs`
 * of silence. A failed write is logged and the chat goes on: the transcript is a convenience, not a record of
 * payments (those live in the engine's store).
 */
export function createKvTranscripts(kv: AtomicKv, logger: Logger, options: KvTranscriptOptions = {}): TranscriptStore {
  const maxEntries = options.maxEntries ?? 200;
  const ttlMs = options.ttlMs ?? 30 * 24 * 3600_000;
  const coalesceMs = options.coalesceMs ?? 150;
  const key = (chatId: string) => `playground:transcript:${chatId}`;
  const pending = new Map<string, readonly ChatEntry[]>();
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const writeAll = async () => {
    timer = undefined;
    const batch = [...pending];
    pending.clear();
    for (const [chatId, entries] of batch) {
      try {
        await kv.set(key(chatId), JSON.stringify(entries.slice(-maxEntries)), ttlMs);
      } catch (error) {
        logger.warn("could not keep a playground transcript", { error });
      }
    }
  };

  return {
    async load(chatId) {
      await writing;
      const waiting = pending.get(chatId);
      if (waiting !== undefined) return [...waiting];
      try {
        const stored = await kv.get(key(chatId));
        if (stored === undefined) return [];
        const parsed = entriesSchema.safeParse(JSON.parse(stored.value));
        return parsed.success ? parsed.data.slice(-maxEntries) : [];
      } catch (error) {
        logger.warn("could not read a playground transcript", { error });
        return [];
      }
    },
    save(chatId, entries) {
      // A copy: the hub goes on changing its array.
      pending.set(chatId, [...entries]);
      if (timer === undefined) {
        timer = setTimeout(() => {
          writing = writing.then(writeAll);
        }, coalesceMs);
        timer.unref();
      }
    },
    async flush() {
      if (timer !== undefined) {
        clearTimeout(timer);
        writing = writing.then(writeAll);
      }
      await writing;
    },
  };
}
