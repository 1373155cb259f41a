import { EventEmitter } from "node:events";
import type { BotCommand, Chat, InlineKeyboardMarkup, Update, User } from "telegraf/types";

/** A file Telegram's servers hold: what getFile describes and /file/bot<token>/<path> serves. */
export interface PeerFile {
  readonly fileId: string;
  readonly uniqueId: string;
  readonly path: string;
  readonly bytes: Uint8Array;
  /** getFile leaves file_size out (it is optional in the Bot API). */
  sizeHidden: boolean;
  /** How often the bot called getFile for it, and how often it downloaded the bytes. */
  getFileCalls: number;
  downloads: number;
}

/** A button as the person sees it under a message. */
export interface SeenButton {
  readonly text: string;
  readonly data?: string;
  readonly url?: string;
}

/** A message in a chat, in its current state (edits applied). */
export interface ChatMessage {
  readonly chatId: number;
  readonly messageId: number;
  readonly fromBot: boolean;
  readonly from: User;
  /** The plain text (or caption) the person sees. */
  text: string;
  /** The HTML the bot sent, when it used parse_mode HTML. */
  html?: string;
  buttons: SeenButton[][];
  markup?: InlineKeyboardMarkup;
  edits: number;
  /** The file of a document the bot sent (sendDocument), as uploaded. */
  document?: Uint8Array;
}

/** One line of the conversation as the peer saw it: what people did and what the bot showed them. */
export type TranscriptEntry = { readonly seq: number; readonly atMs: number; readonly chatId: number } & (
  | { readonly side: "user"; readonly what: string; readonly messageId?: number; readonly delivered: boolean }
  | {
      readonly side: "bot";
      readonly kind: "message" | "edit";
      readonly messageId: number;
      readonly text: string;
      readonly html?: string;
      readonly buttons: readonly (readonly SeenButton[])[];
      readonly replyTo?: number;
    }
  | { readonly side: "bot"; readonly kind: "toast"; readonly text?: string; readonly alert: boolean }
  | { readonly side: "bot"; readonly kind: "action"; readonly action: string }
);

/** Distributes Omit over the transcript's union, so each variant keeps its own fields. */
export type NewTranscriptEntry = TranscriptEntry extends infer E
  ? E extends TranscriptEntry
    ? Omit<E, "seq" | "atMs">
    : never
  : never;

/** Every Bot API call the peer answered, for assertions such as "getFile was never called". */
export interface ApiCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly description?: string;
}

export interface CallbackRecord {
  readonly chatId: number;
  readonly createdAtMs: number;
  answered: boolean;
}

export interface WebhookSettings {
  readonly url: string;
  readonly secretToken?: string;
  readonly allowedUpdates?: readonly string[];
}

/** Everything the fake Telegram remembers; methods, the user side and the webhook sender share it. */
export class PeerState extends EventEmitter {
  readonly bot: User;
  readonly chats = new Map<number, Chat>();
  readonly messages = new Map<string, ChatMessage>();
  /** The same messages by chat, so a test watching hundreds of chats reads one chat without scanning them all. */
  private readonly byChat = new Map<number, Map<number, ChatMessage>>();
  readonly files = new Map<string, PeerFile>();
  readonly callbacks = new Map<string, CallbackRecord>();
  readonly commands = new Map<string, readonly BotCommand[]>();
  readonly descriptions = new Map<string, string>();
  readonly shortDescriptions = new Map<string, string>();
  readonly transcript: TranscriptEntry[] = [];
  readonly calls: ApiCall[] = [];
  /** Updates not yet confirmed (by a getUpdates offset or a 2xx webhook answer). */
  pending: Update[] = [];
  webhook: WebhookSettings | undefined;
  allowedUpdates: readonly string[] = [];
  private nextUpdate = 500_000;
  private readonly nextMessage = new Map<number, number>();
  private seq = 0;

  constructor(
    readonly token: string,
    readonly now: () => number,
  ) {
    super();
    this.setMaxListeners(0);
    this.bot = { id: Number(token.split(":")[0]), is_bot: true, first_name: "Pagobot", username: "pagobot_test_bot" };
  }

  newUpdateId(): number {
    this.nextUpdate += 1;
    return this.nextUpdate;
  }

  newMessageId(chatId: number): number {
    const id = (this.nextMessage.get(chatId) ?? 0) + 1;
    this.nextMessage.set(chatId, id);
    return id;
  }

  enqueue(update: Update): void {
    this.pending.push(update);
    this.emit("update");
  }

  /** getUpdates with an offset confirms every update below it. */
  confirmBelow(offset: number): void {
    this.pending = this.pending.filter((update) => update.update_id >= offset);
  }

  /** A 2xx webhook answer confirms the update it carried (one copy, should it have been queued again). */
  confirm(updateId: number): void {
    const index = this.pending.findIndex((update) => update.update_id === updateId);
    if (index !== -1) this.pending.splice(index, 1);
  }

  message(chatId: number, messageId: number): ChatMessage | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }

  storeMessage(message: ChatMessage): void {
    this.messages.set(`${message.chatId}:${message.messageId}`, message);
    const chat = this.byChat.get(message.chatId) ?? new Map<number, ChatMessage>();
    chat.set(message.messageId, message);
    this.byChat.set(message.chatId, chat);
  }

  /** A chat's messages, oldest first. */
  messagesOf(chatId: number): ChatMessage[] {
    return [...(this.byChat.get(chatId)?.values() ?? [])].sort((a, b) => a.messageId - b.messageId);
  }

  record(entry: NewTranscriptEntry): void {
    this.seq += 1;
    this.transcript.push({ ...entry, seq: this.seq, atMs: this.now() } as TranscriptEntry);
    this.emit("transcript");
  }

  recordCall(call: ApiCall): void {
    this.calls.push(call);
    this.emit("call");
  }
}

/** Turns an inline keyboard into what the person sees. */
export function seenButtons(markup: InlineKeyboardMarkup | undefined): SeenButton[][] {
  if (markup === undefined) return [];
  return markup.inline_keyboard.map((row) =>
    row.map((button) => {
      if ("callback_data" in button) return { text: button.text, data: button.callback_data };
      if ("url" in button) return { text: button.text, url: button.url };
      return { text: button.text };
    }),
  );
}
