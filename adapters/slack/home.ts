import type { types } from "@slack/bolt";
import type { Locale } from "../../src/notice/money.ts";
import { slackMessages } from "./messages.ts";
import type { PaymentListItem, PaymentOverview } from "./overview.ts";
import { escapeMrkdwn } from "./render.ts";

/** A Home tab holds at most 100 blocks; two lists of this length leave room for the rest. */
const MAX_ITEMS = 20;

const TONE_MARK: Readonly<Record<PaymentListItem["tone"], string>> = {
  neutral: "🧾",
  pending: "⏳",
  success: "✅",
  failure: "❌",
  muted: "▫️",
};

/**
 * The App Home tab: what pagobot does and how to use it, in the person's language, and, when the engine's read API
 * is wired (`overview`), the notices waiting for them and their latest payments.
 */
export function homeView(locale: Locale, overview?: PaymentOverview): types.HomeView {
  const m = slackMessages(locale).home;
  const blocks: types.KnownBlock[] = [
    { type: "header", text: { type: "plain_text", text: m.title } },
    { type: "section", text: { type: "mrkdwn", text: m.intro } },
  ];
  if (overview !== undefined) {
    blocks.push(
      ...list(m.pending, overview.pending, m.nothingPending),
      ...list(m.recent, overview.recent, m.nothingRecent),
    );
  }
  blocks.push({ type: "divider" }, { type: "section", text: { type: "mrkdwn", text: m.howTo } });
  return { type: "home", blocks };
}

function list(title: string, items: readonly PaymentListItem[], empty: string): types.KnownBlock[] {
  const blocks: types.KnownBlock[] = [
    { type: "divider" },
    { type: "header", text: { type: "plain_text", text: title } },
  ];
  if (items.length === 0) {
    blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: escapeMrkdwn(empty) }] });
    return blocks;
  }
  for (const item of items.slice(0, MAX_ITEMS)) {
    // A household notice says who posted it and when it is due, as /lista does in the group.
    const about = item.about === null ? "" : `\n${escapeMrkdwn(item.about)}`;
    const line = `${TONE_MARK[item.tone]} *${escapeMrkdwn(item.title)}*\n${escapeMrkdwn(item.detail)} · ${escapeMrkdwn(item.status)}${about}`;
    blocks.push({ type: "section", text: { type: "mrkdwn", text: line } });
  }
  return blocks;
}
