import type { types } from "@slack/bolt";
import type { Locale } from "../../src/notice/money.ts";
import { slackMessages } from "./messages.ts";

/**
 * The App Home tab: what pagobot does and how to use it, in the person's language. Pending notices and recent
 * payments belong here too; they need the engine's read API (see the Slack issue), and until then the tab points
 * at `/paga storico`, which shows them in the channel.
 */
export function homeView(locale: Locale): types.HomeView {
  const m = slackMessages(locale).home;
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: m.title } },
      { type: "section", text: { type: "mrkdwn", text: m.intro } },
      { type: "divider" },
      { type: "section", text: { type: "mrkdwn", text: m.howTo } },
    ],
  };
}
