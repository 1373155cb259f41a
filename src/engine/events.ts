/**
 * What a person does in a chat, as plain data. Adapters build these from platform updates; no platform
 * object ever crosses into the engine. Ids are strings, whatever the platform uses.
 */

/** The chat surfaces pagobot serves. */
export type Platform = "telegram" | "slack" | "playground";

/** A conversation: a private chat with the bot, or a group (a family) where several people talk to it. */
export interface ChatRef {
  readonly platform: Platform;
  readonly chatId: string;
  readonly kind: "private" | "group";
}

/** The person who sent an event. `locale` is the platform's language tag ("it", "en-US"), if it sends one. */
export interface Sender {
  readonly userId: string;
  readonly name: string;
  readonly locale?: string;
}

/**
 * A file a person sent (photo, image document, PDF), fetched only when needed. `sizeBytes` and `mimeType` are
 * what the platform announced, so an oversized file is refused before a byte is downloaded; `download`
 * itself stops reading past `maxBytes` and rejects.
 */
export interface IncomingFile {
  readonly name?: string;
  readonly mimeType?: string;
  readonly sizeBytes?: number;
  download(maxBytes: number): Promise<Uint8Array>;
}

/** Commands every surface offers (Italian and English names map to these). */
export type CommandName =
  | "start"
  | "help"
  | "link"
  | "unlink"
  | "language"
  | "cancel"
  | "history"
  | "list"
  /** /famiglia: a group's household (create it, show it, add or hand over a payer). */
  | "family"
  /** /limite: a member's monthly cap in a household. */
  | "limit";

interface EventBase {
  readonly chat: ChatRef;
  readonly from: Sender;
  /**
   * The platform's id of this delivery (Telegram update_id, Slack event_id): a redelivered event with the
   * same id is ignored by the engine.
   */
  readonly eventId?: string;
  /** The message this one replies to, when the platform says so (group flows work by replies). */
  readonly replyTo?: string;
  /** Who wrote the message this one replies to (`/limite 50` in reply to Marco sets Marco's limit). */
  readonly replyToUserId?: string;
}

export type InboundEvent =
  /** One or more files sent together (a Telegram album is one event): one card per notice found. */
  | (EventBase & { readonly type: "files"; readonly files: readonly IncomingFile[]; readonly caption?: string })
  /** Typed or pasted text: codes, a QR text, or an answer the bot asked for (a date, a choice). */
  | (EventBase & { readonly type: "text"; readonly text: string })
  /** A button press: `ref` is the opaque reference the engine put on the button; `messageId` the card's message. */
  | (EventBase & { readonly type: "button"; readonly ref: string; readonly messageId: string })
  | (EventBase & { readonly type: "command"; readonly name: CommandName; readonly args: string });

/** What the engine answers at once to an event, before its slower work goes on (e.g. a button's toast). */
export interface EventAck {
  /** A short notice for the pressing person only (Telegram answerCbQuery text, Slack ephemeral). */
  readonly toast?: string;
  /** Show the toast as an alert the person must dismiss. */
  readonly alert?: boolean;
  /**
   * The toast only repeats what the card shows from this press on (its status, who approved or declined): a
   * surface that must answer every press shows it anyway (Telegram, briefly); one where it would be a separate
   * message (a Slack ephemeral) leaves it out. Never set on a refusal or an alert.
   */
  readonly echoesCard?: boolean;
}
