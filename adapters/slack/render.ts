import type { types } from "@slack/bolt";
import type { ButtonRows, CardTone, View } from "../../src/engine/views.ts";

/** The Block Kit blocks pagobot draws (@slack/types, as Bolt re-exports them). */
export type Block = types.KnownBlock;

/** A view as Slack shows it: top-level blocks, an optional coloured attachment, and the `text` fallback that
 * notifications, screen readers and old clients show. */
export interface RenderedMessage {
  readonly text: string;
  readonly blocks: Block[];
  /** Empty for plain texts: passing `[]` to chat.update also clears the attachment a card had before. */
  readonly attachments: { color: string; blocks: Block[] }[];
}

/** Prefix of every engine button's action_id; the value carries the engine's opaque ref. */
export const ENGINE_ACTION_PREFIX = "pagobot_ref_";
/** Link buttons still send an interaction, which is only acknowledged. */
export const LINK_ACTION_PREFIX = "pagobot_link_";

/** Block Kit limits (docs.slack.dev/reference/block-kit): text per section, fields, header, button label. */
const SECTION_TEXT_MAX = 3_000;
const FIELDS_PER_SECTION = 10;
const FIELD_TEXT_MAX = 2_000;
const HEADER_MAX = 150;
const BUTTON_TEXT_MAX = 75;
const BUTTONS_PER_ACTIONS = 25;
/** chat.postMessage keeps `text` to 40,000 characters; a fallback need not be near that. */
const FALLBACK_MAX = 3_000;

/** The attachment's colour bar, so a card's state reads at a glance (Slack's own green, red and amber). */
const TONE_COLOR: Readonly<Record<CardTone, string>> = {
  neutral: "#1D9BD1",
  pending: "#ECB22E",
  success: "#2EB67D",
  failure: "#E01E5A",
  muted: "#9E9E9E",
};

/** A mark before the title, for clients that do not draw attachment colours (mobile previews, notifications). */
const TONE_MARK: Readonly<Record<CardTone, string>> = {
  neutral: "🧾",
  pending: "⏳",
  success: "✅",
  failure: "❌",
  muted: "",
};

/** Renders an engine view; the engine's text is plain, so every piece of it is escaped for mrkdwn here. */
export function renderView(view: View): RenderedMessage {
  // The port uploads a document as a file (upload.ts); where it cannot (an edit, an ephemeral note, no
  // files:write), the caption stands in for it.
  if (view.type === "document") return renderView({ type: "text", text: view.caption });
  if (view.type === "text") {
    const blocks: Block[] = chunks(view.text, SECTION_TEXT_MAX).map((part) => section(part));
    blocks.push(...actionBlocks(view.buttons ?? []));
    return { text: clip(view.text, FALLBACK_MAX), blocks, attachments: [] };
  }
  const lines = view.lines ?? [];
  const mark = TONE_MARK[view.tone];
  // A card whose title or lines already carry an emoji ("Pagato ✅") needs no second mark.
  const marked = [view.title, ...lines].some((text) => /\p{Extended_Pictographic}/u.test(text));
  const title = mark === "" || marked ? view.title : `${mark} ${view.title}`;
  const body: Block[] = [];
  if (lines.length > 0) body.push(section(lines.join("\n")));
  for (let i = 0; i < view.fields.length; i += FIELDS_PER_SECTION) {
    body.push({
      type: "section",
      fields: view.fields.slice(i, i + FIELDS_PER_SECTION).map((field) => ({
        type: "mrkdwn",
        text: clip(`*${escapeMrkdwn(field.label)}*\n${escapeMrkdwn(field.value)}`, FIELD_TEXT_MAX),
      })),
    });
  }
  if (view.footer !== undefined && view.footer !== "") {
    body.push({ type: "context", elements: [{ type: "mrkdwn", text: clip(escapeMrkdwn(view.footer), 3_000) }] });
  }
  body.push(...actionBlocks(view.buttons));
  const fallback = [title, ...lines, ...view.fields.map((f) => `${f.label}: ${f.value}`)].join("\n");
  return {
    text: clip(fallback, FALLBACK_MAX),
    blocks: [{ type: "header", text: { type: "plain_text", text: clip(title, HEADER_MAX), emoji: true } }],
    attachments: [{ color: TONE_COLOR[view.tone], blocks: body }],
  };
}

/** One actions block per row: engine refs as button values, links as url buttons. */
function actionBlocks(rows: ButtonRows): types.ActionsBlock[] {
  return rows
    .filter((row) => row.length > 0)
    .map(
      (row, r): types.ActionsBlock => ({
        type: "actions",
        block_id: `pagobot_row_${r}`,
        elements: row.slice(0, BUTTONS_PER_ACTIONS).map((button, i): types.Button => {
          const text: types.PlainTextElement = {
            type: "plain_text",
            text: clip(button.label, BUTTON_TEXT_MAX),
            emoji: true,
          };
          if ("url" in button)
            return { type: "button", action_id: `${LINK_ACTION_PREFIX}${r}_${i}`, text, url: button.url };
          return {
            type: "button",
            // action_ids must be unique within a message; the ref, which the engine resolves, is the value.
            action_id: `${ENGINE_ACTION_PREFIX}${r}_${i}`,
            text,
            value: button.ref,
            ...(button.style === undefined ? {} : { style: button.style }),
          };
        }),
      }),
    );
}

function section(text: string): types.SectionBlock {
  return { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(text) } };
}

/**
 * Slack reserves &, < and > (docs.slack.dev, "Formatting text for app surfaces"); everything else the engine
 * writes is shown as typed. Asterisks and underscores in the engine's text are rare and harmless.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function chunks(text: string, size: number): string[] {
  // Escaping can lengthen a text; leave room for it.
  const room = Math.floor(size / 2);
  if (text.length <= room) return [text];
  const parts: string[] = [];
  let rest = text;
  while (rest.length > room) {
    const cut = rest.lastIndexOf("\n", room) > 0 ? rest.lastIndexOf("\n", room) : room;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, "");
  }
  if (rest !== "") parts.push(rest);
  return parts;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
