import { randomBytes } from "node:crypto";
import type { View } from "../../src/engine/views.ts";
import type { ChatEntry, PersonContent } from "./chat-entry.ts";
import type { TranscriptStore } from "./transcripts.ts";

/** What a page subscribed to a chat receives: the history at once, then each new or edited message. */
export type HubEvent =
  | { readonly type: "snapshot"; readonly entries: readonly ChatEntry[] }
  | { readonly type: "entry"; readonly entry: ChatEntry }
  | { readonly type: "activity" };

export type HubListener = (event: HubEvent) => void;

export interface ChatHubOptions {
  /** Chats kept in memory; the least recently used chat nobody watches is forgotten first. */
  readonly maxChats?: number;
  /** Messages kept per chat; older ones fall off the top. */
  readonly maxEntries?: number;
  /** Where each chat's transcript is kept, so a restart shows the same chat; none keeps it in memory only. */
  readonly store?: TranscriptStore;
}

interface Room {
  entries: ChatEntry[];
  readonly listeners: Set<HubListener>;
}

/**
 * The playground's chats, in memory: the history each open page shows and the fan-out to every page watching a
 * chat (two family members may watch one group). Bounded in chats and messages so a long session cannot grow it.
 */
export class ChatHub {
  // Ids carry a per-process prefix: after a restart the engine may still hold ids of messages this process never
  // showed, and those must not collide with new ones.
  readonly #bootId = randomBytes(3).toString("hex");
  #counter = 0;
  readonly #rooms = new Map<string, Room>();
  readonly #maxChats: number;
  readonly #maxEntries: number;
  readonly #store: TranscriptStore | undefined;
  /** Chats being read from the store: every change to one waits for its transcript first. */
  readonly #loading = new Map<string, Promise<void>>();

  constructor(options: ChatHubOptions = {}) {
    this.#maxChats = options.maxChats ?? 1000;
    this.#maxEntries = options.maxEntries ?? 200;
    this.#store = options.store;
  }

  /**
   * Resolves once the chat's transcript is in memory (read from the store the first time a chat is touched
   * after a start or after it was forgotten). Call it before anything that shows or changes a chat.
   */
  ready(chatId: string): Promise<void> {
    if (this.#store === undefined || this.#rooms.has(chatId)) return Promise.resolve();
    let loading = this.#loading.get(chatId);
    if (loading === undefined) {
      const store = this.#store;
      loading = store
        .load(chatId)
        .then((entries) => {
          if (!this.#rooms.has(chatId)) this.#room(chatId).entries = entries.slice(-this.#maxEntries);
        })
        .finally(() => this.#loading.delete(chatId));
      this.#loading.set(chatId, loading);
    }
    return loading;
  }

  /** Watches a chat: the listener gets a snapshot at once, then every change. Returns the unsubscribe function. */
  subscribe(chatId: string, listener: HubListener): () => void {
    const room = this.#room(chatId);
    room.listeners.add(listener);
    listener({ type: "snapshot", entries: [...room.entries] });
    return () => {
      room.listeners.delete(listener);
    };
  }

  /**
   * Shows a bot view. With `replace`, the message keeps its place and id; a `replace` id this chat no longer
   * has (a restart emptied the history) is shown as a new message, so a late PAID is never lost.
   */
  postBot(chatId: string, view: View, options: { replace?: string; replyTo?: string } = {}): string {
    const room = this.#room(chatId);
    const at = options.replace === undefined ? -1 : room.entries.findIndex((e) => e.id === options.replace);
    const previous = room.entries[at];
    // Only the bot's own messages can be edited; anything else is shown as a new message.
    if (previous?.author === "bot") {
      const edited: ChatEntry = { ...previous, view };
      room.entries[at] = edited;
      this.#emit(room, { type: "entry", entry: edited });
      this.#store?.save(chatId, room.entries);
      return edited.id;
    }
    const entry: ChatEntry = { id: this.#nextId(), author: "bot", view, ...this.#replyTo(room, options.replyTo) };
    this.#append(chatId, room, entry);
    return entry.id;
  }

  /** Shows what a person sent, to every page watching the chat. */
  postPerson(chatId: string, sender: { userId: string; name: string }, content: PersonContent): string {
    const entry: ChatEntry = { id: this.#nextId(), author: "person", sender, ...content };
    this.#append(chatId, this.#room(chatId), entry);
    return entry.id;
  }

  /** Shows "the bot is working" on the chat's pages until the next message. */
  activity(chatId: string): void {
    this.#emit(this.#room(chatId), { type: "activity" });
  }

  /** The chat's messages, oldest first. */
  entries(chatId: string): readonly ChatEntry[] {
    return this.#rooms.get(chatId)?.entries ?? [];
  }

  #replyTo(room: Room, replyTo: string | undefined): { replyTo?: string } {
    return replyTo !== undefined && room.entries.some((e) => e.id === replyTo) ? { replyTo } : {};
  }

  #append(chatId: string, room: Room, entry: ChatEntry): void {
    room.entries.push(entry);
    if (room.entries.length > this.#maxEntries) room.entries = room.entries.slice(-this.#maxEntries);
    this.#emit(room, { type: "entry", entry });
    this.#store?.save(chatId, room.entries);
  }

  #emit(room: Room, event: HubEvent): void {
    for (const listener of room.listeners) listener(event);
  }

  #nextId(): string {
    this.#counter += 1;
    return `${this.#bootId}-${this.#counter}`;
  }

  #room(chatId: string): Room {
    let room = this.#rooms.get(chatId);
    if (room !== undefined) {
      // Map keeps insertion order: re-inserting marks the chat as the most recently used.
      this.#rooms.delete(chatId);
      this.#rooms.set(chatId, room);
      return room;
    }
    room = { entries: [], listeners: new Set() };
    this.#rooms.set(chatId, room);
    this.#evict();
    return room;
  }

  #evict(): void {
    if (this.#rooms.size <= this.#maxChats) return;
    for (const [chatId, room] of this.#rooms) {
      if (this.#rooms.size <= this.#maxChats) return;
      if (room.listeners.size === 0) this.#rooms.delete(chatId);
    }
  }
}
