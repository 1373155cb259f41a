import type { Telegram } from "telegraf";
import type { BotCommandScope } from "telegraf/types";
import type { CommandName } from "../../src/engine/events.ts";
import { messagesFor } from "../../src/i18n/t.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { Locale } from "../../src/notice/money.ts";
import { menuCommands } from "./commands.ts";

/** The languages pagobot speaks; Telegram gets a menu and a description in each. */
const LOCALES: readonly Locale[] = ["it", "en"];

/** Commands that make sense in a family group; account linking and language stay in private chats. */
const GROUP_COMMANDS: ReadonlySet<CommandName> = new Set([
  "start",
  "help",
  "cancel",
  "history",
  "list",
  "family",
  "limit",
]);

/** Commands about a group's household: a private chat has none, so its menu leaves them out. */
const GROUP_ONLY: ReadonlySet<CommandName> = new Set(["family", "limit"]);

/**
 * Publishes the command menus (private chats and groups, per language, plus a fallback in the default language
 * for apps in any other language) and the descriptions, all worded by pagobot's i18n. Best effort: a refused call
 * is logged and the bot starts anyway.
 */
export async function publishBotProfile(telegram: Telegram, defaultLocale: Locale, logger: Logger): Promise<void> {
  const targets: { language: string | undefined; locale: Locale }[] = [
    { language: undefined, locale: defaultLocale },
    ...LOCALES.map((locale) => ({ language: locale, locale })),
  ];
  for (const { language, locale } of targets) {
    const all = menuCommands(locale);
    const scoped: [BotCommandScope, typeof all][] = [
      [{ type: "all_private_chats" }, all.filter((c) => !GROUP_ONLY.has(c.name))],
      [{ type: "all_group_chats" }, all.filter((c) => GROUP_COMMANDS.has(c.name))],
    ];
    const extra = language === undefined ? {} : { language_code: language };
    const { botProfile } = messagesFor(locale);
    const steps: [string, () => Promise<unknown>][] = [
      ...scoped.map(([scope, commands]): [string, () => Promise<unknown>] => [
        `setMyCommands ${scope.type}`,
        () =>
          telegram.setMyCommands(
            commands.map(({ command, description }) => ({ command, description })),
            { scope, ...extra },
          ),
      ]),
      ["setMyDescription", () => telegram.setMyDescription(botProfile.description, language)],
      ["setMyShortDescription", () => telegram.setMyShortDescription(botProfile.shortDescription, language)],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) => {
        logger.warn("telegram profile not published", { what, language: language ?? "default", error });
      });
    }
  }
}
