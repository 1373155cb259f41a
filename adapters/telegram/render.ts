import type { InlineKeyboardButton, InlineKeyboardMarkup } from "telegraf/types";
import type { ButtonRows, CardTone, View } from "../../src/engine/views.ts";
import { encodeCallbackData } from "./callback-data.ts";

/** A view as Telegram shows it: HTML text (parse_mode HTML) and an inline keyboard when there are buttons. */
export interface RenderedMessage {
  readonly html: string;
  readonly keyboard?: InlineKeyboardMarkup;
}

/** Bot API: a message holds at most 4096 characters of text (after entity parsing). */
const MAX_MESSAGE_LENGTH = 4096;

/** A mark before a card's title, so its state reads at a glance (Telegram has no card colours). */
const TONE_MARK: Readonly<Record<CardTone, string>> = {
  neutral: "",
  pending: "⏳",
  success: "✅",
  failure: "❌",
  muted: "",
};

/** Renders an engine view. The engine's text is plain, so every piece of it is escaped here. */
export function renderView(view: View): RenderedMessage {
  const keyboard = renderKeyboard(view.buttons ?? []);
  const html =
    view.type === "text"
      ? escapeHtml(clip(view.text))
      : view.type === "document"
        ? escapeHtml(clip(view.caption))
        : renderCard(view);
  return keyboard === undefined ? { html } : { html, keyboard };
}

function renderCard(view: Extract<View, { type: "card" }>): string {
  const mark = TONE_MARK[view.tone];
  const lines = view.lines ?? [];
  // A card whose title or lines already carry an emoji ("Pagato ✅") needs no second mark.
  const marked = [view.title, ...lines].some((text) => /\p{Extended_Pictographic}/u.test(text));
  const title = mark === "" || marked ? view.title : `${mark} ${view.title}`;
  const blocks: string[] = [`<b>${escapeHtml(title)}</b>`];
  if (lines.length > 0) blocks[0] += `\n${lines.map(escapeHtml).join("\n")}`;
  if (view.fields.length > 0) {
    blocks.push(view.fields.map((f) => `${escapeHtml(f.label)}: <b>${escapeHtml(f.value)}</b>`).join("\n"));
  }
  if (view.footer !== undefined && view.footer !== "") blocks.push(`<i>${escapeHtml(view.footer)}</i>`);
  const html = blocks.join("\n\n");
  // Cards are short; should one ever pass the limit, fall back to plain text cut to fit rather than fail.
  return plainLength(html) <= MAX_MESSAGE_LENGTH ? html : escapeHtml(clip(unescapeHtml(html.replace(/<[^>]+>/g, ""))));
}

/** Buttons become inline keyboard rows: engine refs as callback data, links as url buttons. */
export function renderKeyboard(rows: ButtonRows): InlineKeyboardMarkup | undefined {
  const keyboard: InlineKeyboardButton[][] = rows
    .map((row) =>
      row.map(
        (button): InlineKeyboardButton =>
          "url" in button
            ? { text: button.label, url: button.url }
            : { text: button.label, callback_data: encodeCallbackData(button.ref) },
      ),
    )
    .filter((row) => row.length > 0);
  return keyboard.length === 0 ? undefined : { inline_keyboard: keyboard };
}

/** Escapes the three characters Telegram's HTML mode reserves. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function unescapeHtml(html: string): string {
  return html.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

function plainLength(html: string): number {
  return unescapeHtml(html.replace(/<[^>]+>/g, "")).length;
}

function clip(text: string): string {
  return text.length <= MAX_MESSAGE_LENGTH ? text : `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…`;
}
