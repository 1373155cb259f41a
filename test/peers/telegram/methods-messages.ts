import type { InlineKeyboardMarkup, Message } from "telegraf/types";
import { BotApiError, bool, int, json, type Params, requireStr, str } from "./body.ts";
import { parseTelegramHtml } from "./html.ts";
import { type ChatMessage, type PeerState, seenButtons } from "./state.ts";

/** Bot API message limits (core.telegram.org/bots/api#sendmessage, #inlinekeyboardbutton). */
const MAX_TEXT_LENGTH = 4096;
const MAX_CALLBACK_DATA_BYTES = 64;
const MAX_TOAST_LENGTH = 200;
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

export interface MessageMethodOptions {
  /** How long a callback query can still be answered ("query is too old" after it). */
  readonly callbackTtlMs: number;
}

export function sendMessage(state: PeerState, params: Params): Message {
  const chatId = requireChat(state, params);
  const { text, html } = readText(params);
  const markup = readInlineKeyboard(params);
  const replyTo = readReplyTo(state, chatId, params);
  const messageId = state.newMessageId(chatId);
  const message: ChatMessage = {
    chatId,
    messageId,
    fromBot: true,
    from: state.bot,
    text,
    ...(html === undefined ? {} : { html }),
    buttons: seenButtons(markup),
    ...(markup === undefined ? {} : { markup }),
    edits: 0,
  };
  state.storeMessage(message);
  state.record({
    side: "bot",
    kind: "message",
    chatId,
    messageId,
    text,
    ...(html === undefined ? {} : { html }),
    buttons: message.buttons,
    ...(replyTo === undefined ? {} : { replyTo }),
  });
  return toWire(state, message);
}

/** A file the bot sends (multipart upload): the chat shows its caption; the message keeps the bytes. */
export function sendDocument(state: PeerState, params: Params): Message {
  const chatId = requireChat(state, params);
  if (!(params.document instanceof Uint8Array) || params.document.length === 0) {
    throw new BotApiError(400, "Bad Request: there is no document in the request");
  }
  const caption = str(params, "caption") ?? "";
  const replyTo = readReplyTo(state, chatId, params);
  const messageId = state.newMessageId(chatId);
  const message: ChatMessage = {
    chatId,
    messageId,
    fromBot: true,
    from: state.bot,
    text: caption,
    buttons: [],
    edits: 0,
    document: params.document,
  };
  state.storeMessage(message);
  state.record({
    side: "bot",
    kind: "message",
    chatId,
    messageId,
    text: `📎 ${caption}`,
    buttons: [],
    ...(replyTo === undefined ? {} : { replyTo }),
  });
  return toWire(state, message);
}

export function editMessageText(state: PeerState, params: Params): Message {
  const message = editableMessage(state, params);
  const { text, html } = readText(params);
  const markup = readInlineKeyboard(params);
  if (html === message.html && text === message.text && sameMarkup(markup, message.markup)) throw notModified();
  message.text = text;
  if (html === undefined) delete message.html;
  else message.html = html;
  applyMarkup(message, markup);
  recordEdit(state, message);
  return toWire(state, message);
}

export function editMessageReplyMarkup(state: PeerState, params: Params): Message {
  const message = editableMessage(state, params);
  const markup = readInlineKeyboard(params);
  if (sameMarkup(markup, message.markup)) throw notModified();
  applyMarkup(message, markup);
  recordEdit(state, message);
  return toWire(state, message);
}

export function answerCallbackQuery(state: PeerState, params: Params, options: MessageMethodOptions): true {
  const id = requireStr(params, "callback_query_id", "callback_query_id is empty");
  const query = state.callbacks.get(id);
  if (query === undefined || query.answered || state.now() - query.createdAtMs > options.callbackTtlMs) {
    throw new BotApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
  }
  const text = str(params, "text");
  if (text !== undefined && text.length > MAX_TOAST_LENGTH) throw new BotApiError(400, "Bad Request: MESSAGE_TOO_LONG");
  query.answered = true;
  state.record({
    side: "bot",
    kind: "toast",
    chatId: query.chatId,
    ...(text === undefined ? {} : { text }),
    alert: bool(params, "show_alert"),
  });
  return true;
}

export function sendChatAction(state: PeerState, params: Params): true {
  const chatId = requireChat(state, params);
  const action = requireStr(params, "action", "action is empty");
  if (!CHAT_ACTIONS.has(action)) throw new BotApiError(400, "Bad Request: wrong parameter action in request");
  state.record({ side: "bot", kind: "action", chatId, action });
  return true;
}

function requireChat(state: PeerState, params: Params): number {
  const raw = str(params, "chat_id");
  if (raw === undefined) throw new BotApiError(400, "Bad Request: chat_id is empty");
  const chatId = Number(raw);
  if (!Number.isInteger(chatId) || !state.chats.has(chatId)) throw new BotApiError(400, "Bad Request: chat not found");
  return chatId;
}

function readText(params: Params): { text: string; html?: string } {
  const raw = str(params, "text");
  if (raw === undefined || raw.trim() === "") throw new BotApiError(400, "Bad Request: message text is empty");
  let text = raw;
  let html: string | undefined;
  const mode = str(params, "parse_mode");
  if (mode !== undefined) {
    if (mode.toLowerCase() !== "html") throw new BotApiError(400, `Bad Request: the peer speaks parse_mode HTML only`);
    const parsed = parseTelegramHtml(raw);
    if (!parsed.ok) throw new BotApiError(400, parsed.description);
    text = parsed.text;
    html = raw;
  }
  if (text.trim() === "") throw new BotApiError(400, "Bad Request: message text is empty");
  if (text.length > MAX_TEXT_LENGTH) throw new BotApiError(400, "Bad Request: message is too long");
  return html === undefined ? { text } : { text, html };
}

/** Validates an inline keyboard as Telegram does; other reply_markup kinds are accepted and not shown. */
function readInlineKeyboard(params: Params): InlineKeyboardMarkup | undefined {
  const markup = json(params, "reply_markup");
  if (markup === undefined || typeof markup !== "object" || markup === null || !("inline_keyboard" in markup)) {
    return undefined;
  }
  const rows = (markup as { inline_keyboard: unknown }).inline_keyboard;
  if (!Array.isArray(rows) || rows.some((row) => !Array.isArray(row))) {
    throw new BotApiError(
      400,
      'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
    );
  }
  for (const button of rows.flat() as Record<string, unknown>[]) {
    if (typeof button.text !== "string" || button.text === "")
      throw new BotApiError(400, "Bad Request: BUTTON_TEXT_EMPTY");
    const data = button.callback_data;
    const url = button.url;
    if (data === undefined && url === undefined) {
      throw new BotApiError(
        400,
        "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
      );
    }
    if (data !== undefined) {
      const bytes = typeof data === "string" ? Buffer.byteLength(data) : 0;
      if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw new BotApiError(400, "Bad Request: BUTTON_DATA_INVALID");
    }
    if (url !== undefined && (typeof url !== "string" || !/^(https?|tg):\/\//.test(url))) {
      throw new BotApiError(400, "Bad Request: BUTTON_URL_INVALID");
    }
  }
  return markup as InlineKeyboardMarkup;
}

function readReplyTo(state: PeerState, chatId: number, params: Params): number | undefined {
  const reply = json(params, "reply_parameters") as
    | { message_id?: unknown; allow_sending_without_reply?: unknown }
    | undefined;
  const messageId = reply?.message_id ?? int(params, "reply_to_message_id");
  if (messageId === undefined) return undefined;
  const allowWithout = reply?.allow_sending_without_reply === true || bool(params, "allow_sending_without_reply");
  if (typeof messageId !== "number" || state.message(chatId, messageId) === undefined) {
    if (allowWithout) return undefined;
    throw new BotApiError(400, "Bad Request: message to be replied not found");
  }
  return messageId;
}

function editableMessage(state: PeerState, params: Params): ChatMessage {
  if (str(params, "inline_message_id") !== undefined)
    throw new BotApiError(400, "Bad Request: the peer has no inline messages");
  const chatId = requireChat(state, params);
  const messageId = int(params, "message_id");
  if (messageId === undefined) throw new BotApiError(400, "Bad Request: message identifier is not specified");
  const message = state.message(chatId, messageId);
  if (message === undefined) throw new BotApiError(400, "Bad Request: message to edit not found");
  if (!message.fromBot) throw new BotApiError(400, "Bad Request: message can't be edited");
  return message;
}

function notModified(): BotApiError {
  return new BotApiError(
    400,
    "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
  );
}

function sameMarkup(a: InlineKeyboardMarkup | undefined, b: InlineKeyboardMarkup | undefined): boolean {
  const rows = (markup: InlineKeyboardMarkup | undefined) => JSON.stringify(markup?.inline_keyboard ?? []);
  return rows(a) === rows(b);
}

function applyMarkup(message: ChatMessage, markup: InlineKeyboardMarkup | undefined): void {
  if (markup === undefined) delete message.markup;
  else message.markup = markup;
  message.buttons = seenButtons(markup);
}

function recordEdit(state: PeerState, message: ChatMessage): void {
  message.edits += 1;
  state.record({
    side: "bot",
    kind: "edit",
    chatId: message.chatId,
    messageId: message.messageId,
    text: message.text,
    ...(message.html === undefined ? {} : { html: message.html }),
    buttons: message.buttons,
  });
}

function toWire(state: PeerState, message: ChatMessage): Message {
  const chat = state.chats.get(message.chatId);
  return {
    message_id: message.messageId,
    from: message.from,
    chat,
    date: Math.floor(state.now() / 1000),
    text: message.text,
    ...(message.edits > 0 ? { edit_date: Math.floor(state.now() / 1000) } : {}),
    ...(message.markup === undefined ? {} : { reply_markup: message.markup }),
  } as Message.TextMessage;
}
