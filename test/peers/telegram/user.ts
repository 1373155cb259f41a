import { randomBytes } from "node:crypto";
import type { Chat, Message, MessageEntity, PhotoSize, Update, User } from "telegraf/types";
import { imageSize } from "./image-size.ts";
import type { ChatMessage, PeerFile, PeerState } from "./state.ts";

export interface SendOptions {
  /** Who sends it; the chat's default person when absent. */
  readonly from?: User;
  /** The message this one replies to. */
  readonly replyTo?: number;
  /** Shown as "forwarded from <name>" (a forward_origin of type hidden_user). */
  readonly forwardedFrom?: string;
}

export interface MediaOptions extends SendOptions {
  readonly caption?: string;
  /** A name for the transcript (e.g. the corpus file's name). */
  readonly label?: string;
}

export interface DocumentOptions extends MediaOptions {
  readonly fileName: string;
  readonly mimeType: string;
  /** Leave file_size out of the message and of getFile (the Bot API marks it optional). */
  readonly omitFileSize?: boolean;
}

export type AlbumItem =
  | { readonly kind: "photo"; readonly bytes: Uint8Array; readonly label?: string }
  | { readonly kind: "document"; readonly bytes: Uint8Array; readonly fileName: string; readonly mimeType: string };

/** What happened to something a person sent: its message id, and whether privacy mode let the bot see it. */
export interface Sent {
  readonly messageId: number;
  readonly updateId?: number;
  readonly delivered: boolean;
}

/** The Telegram thumbnails' long sides; the original comes last in `photo`, as on Telegram. */
const THUMBNAIL_SIDES = [90, 320, 800];

/** One chat seen from the people's side: they send things, press buttons and read what the bot shows. */
export class PeerChat {
  private readonly updates = new Map<number, Update>();

  constructor(
    private readonly state: PeerState,
    readonly chat: Chat,
    readonly person: User,
    /** Privacy mode: in groups the bot gets only commands and replies to its own messages. */
    readonly privacy: boolean,
  ) {}

  get id(): number {
    return this.chat.id;
  }

  sendText(text: string, options: SendOptions = {}): Sent {
    const entities = commandEntities(text);
    return this.post({ text, ...(entities.length > 0 ? { entities } : {}) }, options, `"${text}"`);
  }

  sendPhoto(bytes: Uint8Array, options: MediaOptions & { readonly mediaGroupId?: string } = {}): Sent {
    const size = imageSize(bytes);
    if (size === undefined) throw new Error("sendPhoto needs a PNG or JPEG");
    const photo: PhotoSize[] = [];
    const longSide = Math.max(size.width, size.height);
    for (const side of THUMBNAIL_SIDES.filter((s) => s < longSide)) {
      const scale = side / longSide;
      // Thumbnails hold placeholder bytes: a bot that scans one instead of the largest size reads no QR.
      const thumb = this.registerFile(new TextEncoder().encode(`thumbnail ${side}px`), "photos", "jpg");
      photo.push(this.photoSize(thumb, Math.round(size.width * scale), Math.round(size.height * scale)));
    }
    photo.push(this.photoSize(this.registerFile(bytes, "photos", "jpg"), size.width, size.height));
    const what = `photo ${options.label ?? ""} (${size.width}×${size.height}, ${kb(bytes.length)})`.replace("  ", " ");
    return this.post(
      { photo, ...caption(options.caption), ...(options.mediaGroupId ? { media_group_id: options.mediaGroupId } : {}) },
      options,
      what,
    );
  }

  sendDocument(bytes: Uint8Array, options: DocumentOptions & { readonly mediaGroupId?: string }): Sent {
    const file = this.registerFile(bytes, "documents", options.fileName.split(".").pop() ?? "bin");
    const document = {
      file_id: file.fileId,
      file_unique_id: file.uniqueId,
      file_name: options.fileName,
      mime_type: options.mimeType,
      ...(options.omitFileSize === true ? {} : { file_size: bytes.length }),
    };
    if (options.omitFileSize === true) file.sizeHidden = true;
    const what = `document "${options.fileName}" (${options.mimeType}, ${kb(bytes.length)})`;
    return this.post(
      {
        document,
        ...caption(options.caption),
        ...(options.mediaGroupId ? { media_group_id: options.mediaGroupId } : {}),
      },
      options,
      what,
    );
  }

  /** An album: one message per item sharing a media_group_id, the caption on the first, sent back to back. */
  sendAlbum(items: readonly AlbumItem[], options: MediaOptions = {}): Sent[] {
    const mediaGroupId = randomBytes(8).readBigUInt64BE().toString();
    return items.map((item, index) => {
      const itemOptions = { ...options, mediaGroupId, ...(index === 0 ? {} : { caption: undefined }) };
      return item.kind === "photo"
        ? this.sendPhoto(item.bytes, { ...itemOptions, ...(item.label === undefined ? {} : { label: item.label }) })
        : this.sendDocument(item.bytes, { ...itemOptions, fileName: item.fileName, mimeType: item.mimeType });
    });
  }

  /** Presses the button labelled `label` (or whose label contains it) under one of the bot's messages. */
  press(
    messageId: number,
    label: string,
    options: { readonly from?: User } = {},
  ): { queryId: string; updateId: number } {
    const update = this.pressUpdate(messageId, label, options);
    this.deliver(update);
    return { queryId: update.callback_query.id, updateId: update.update_id };
  }

  /**
   * The update a press makes, recorded in the transcript but not queued for the bot: a test posts it itself (the
   * same press arriving at two replicas at once).
   */
  pressUpdate(
    messageId: number,
    label: string,
    options: { readonly from?: User } = {},
  ): Update & { callback_query: { id: string } } {
    const message = this.state.message(this.id, messageId);
    if (message === undefined || !message.fromBot) throw new Error(`no bot message #${messageId} in chat ${this.id}`);
    const buttons = message.buttons.flat();
    const button = buttons.find((b) => b.text === label) ?? buttons.find((b) => b.text.includes(label));
    if (button?.data === undefined) {
      throw new Error(`no button "${label}" under #${messageId}: ${buttons.map((b) => b.text).join(", ")}`);
    }
    const from = options.from ?? this.person;
    const queryId = randomBytes(8).toString("hex");
    this.state.callbacks.set(queryId, { chatId: this.id, createdAtMs: this.state.now(), answered: false });
    const update = {
      update_id: this.state.newUpdateId(),
      callback_query: {
        id: queryId,
        from,
        message: this.wire(message),
        chat_instance: String(this.id * 7919),
        data: button.data,
      },
    } as Update & { callback_query: { id: string } };
    this.state.record({
      side: "user",
      chatId: this.id,
      what: `${from.first_name} presses [${button.text}] on #${messageId}`,
      delivered: true,
    });
    return update;
  }

  /** Telegram sends an update again (a webhook retry, a poller that crashed before confirming). */
  redeliver(updateId: number): void {
    const update = this.updates.get(updateId);
    if (update === undefined) throw new Error(`no update ${updateId} in chat ${this.id}`);
    this.state.enqueue(update);
  }

  /** The bot joined this group: Telegram tells it with a my_chat_member update. */
  addBot(by: User = this.person): void {
    const date = Math.floor(this.state.now() / 1000);
    const update = {
      update_id: this.state.newUpdateId(),
      my_chat_member: {
        chat: this.chat,
        from: by,
        date,
        old_chat_member: { status: "left", user: this.state.bot },
        new_chat_member: { status: "member", user: this.state.bot },
      },
    } as Update;
    this.state.record({
      side: "user",
      chatId: this.id,
      what: `${by.first_name} adds the bot to the group`,
      delivered: true,
    });
    this.deliver(update);
  }

  /** Every message in the chat, in order, as shown now (edits applied). */
  messages(): ChatMessage[] {
    return this.state.messagesOf(this.id);
  }

  botMessages(): ChatMessage[] {
    return this.messages().filter((m) => m.fromBot);
  }

  private post(content: Record<string, unknown>, options: SendOptions, what: string): Sent {
    const from = options.from ?? this.person;
    const messageId = this.state.newMessageId(this.id);
    const replyTo = options.replyTo === undefined ? undefined : this.state.message(this.id, options.replyTo);
    const message = {
      message_id: messageId,
      from,
      chat: this.chat,
      date: Math.floor(this.state.now() / 1000),
      ...(replyTo === undefined ? {} : { reply_to_message: this.wire(replyTo) }),
      ...(options.forwardedFrom === undefined
        ? {}
        : { forward_origin: { type: "hidden_user", sender_user_name: options.forwardedFrom, date: 1_700_000_000 } }),
      ...content,
    } as Message;
    const shown =
      typeof content.text === "string" ? content.text : typeof content.caption === "string" ? content.caption : "";
    this.state.storeMessage({ chatId: this.id, messageId, fromBot: false, from, text: shown, buttons: [], edits: 0 });
    const delivered = !this.privacy || this.chat.type === "private" || this.visibleUnderPrivacy(message, replyTo);
    const forwarded = options.forwardedFrom === undefined ? "" : ` forwarded from ${options.forwardedFrom}`;
    const reply = replyTo === undefined ? "" : ` in reply to #${replyTo.messageId}`;
    this.state.record({
      side: "user",
      chatId: this.id,
      messageId,
      what: `${from.first_name}: ${what}${forwarded}${reply}${delivered ? "" : " (not delivered: privacy mode)"}`,
      delivered,
    });
    if (!delivered) return { messageId, delivered };
    const update = { update_id: this.state.newUpdateId(), message } as Update;
    this.deliver(update);
    return { messageId, updateId: update.update_id, delivered };
  }

  /** Privacy mode (core.telegram.org/bots/features#privacy-mode): commands and replies to the bot only. */
  private visibleUnderPrivacy(message: Message, replyTo: ChatMessage | undefined): boolean {
    if (replyTo?.fromBot === true) return true;
    const text = "text" in message ? message.text : "caption" in message ? (message.caption ?? "") : "";
    const command = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
    if (command === null) return false;
    return command[1] === undefined || command[1].toLowerCase() === this.state.bot.username?.toLowerCase();
  }

  private deliver(update: Update): void {
    this.updates.set(update.update_id, update);
    this.state.enqueue(update);
  }

  private registerFile(bytes: Uint8Array, folder: string, extension: string): PeerFile {
    const number = this.state.files.size + 1;
    const file: PeerFile = {
      sizeHidden: false,
      fileId: `${folder.slice(0, 2).toUpperCase()}${randomBytes(12).toString("base64url")}`,
      uniqueId: randomBytes(6).toString("base64url"),
      path: `${folder}/file_${number}.${extension.toLowerCase()}`,
      bytes,
      getFileCalls: 0,
      downloads: 0,
    };
    this.state.files.set(file.fileId, file);
    return file;
  }

  private photoSize(file: PeerFile, width: number, height: number): PhotoSize {
    return { file_id: file.fileId, file_unique_id: file.uniqueId, width, height, file_size: file.bytes.length };
  }

  private wire(message: ChatMessage): Message {
    return {
      message_id: message.messageId,
      from: message.from,
      chat: this.chat,
      date: Math.floor(this.state.now() / 1000),
      text: message.text,
      ...(message.markup === undefined ? {} : { reply_markup: message.markup }),
    } as Message.TextMessage;
  }
}

/** Telegram marks every /command in a text as a bot_command entity (offsets in UTF-16 units). */
function commandEntities(text: string): MessageEntity[] {
  return [...text.matchAll(/(?<=^|\s)\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?/g)].map((match) => ({
    type: "bot_command",
    offset: match.index ?? 0,
    length: match[0].length,
  }));
}

function caption(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  const entities = commandEntities(text);
  return { caption: text, ...(entities.length > 0 ? { caption_entities: entities } : {}) };
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}
