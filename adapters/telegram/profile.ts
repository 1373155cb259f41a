import type { Telegram } from "telegraf";
import type { BotCommand, BotCommandScope } from "telegraf/types";
import type { CommandName } from "../../src/engine/events.ts";
import type { Logger } from "../../src/log/logger.ts";
import { MENU_COMMANDS } from "./commands.ts";

/** What Telegram shows about the bot in one language; the wording comes from pagobot's i18n, not the adapter. */
export interface BotTexts {
  /** In an empty chat and on the bot's profile (at most 512 characters). */
  readonly description: string;
  /** Under the bot's name in search and shares (at most 120 characters). */
  readonly shortDescription: string;
  /** The menu line for each command. */
  readonly commands: Readonly<Record<CommandName, string>>;
  /** Sent when something broke that the engine could not put into words (the adapter's last-resort catch). */
  readonly failure: string;
}

export interface BotTextsByLocale {
  /** Texts per language ("it", "en"); `defaultLocale`'s also serve people whose app sends no or another language. */
  readonly byLocale: Readonly<Record<string, BotTexts>>;
  readonly defaultLocale: string;
}

/** Commands that make sense in a family group; account linking stays in private chats. */
const GROUP_COMMANDS: ReadonlySet<CommandName> = new Set(["start", "help", "cancel", "history"]);

/** The texts for a person's language tag ("it", "en-US"), falling back to the default language. */
export function textsFor(texts: BotTextsByLocale, locale: string | undefined): BotTexts {
  const language = locale?.toLowerCase().split("-")[0];
  const chosen = (language === undefined ? undefined : texts.byLocale[language]) ?? texts.byLocale[texts.defaultLocale];
  if (chosen === undefined) throw new Error(`no bot texts for the default locale ${texts.defaultLocale}`);
  return chosen;
}

/**
 * Publishes the command menus (private chats and groups, per language, plus the default-language fallback) and
 * the descriptions. Best effort: a refused call is logged and the bot starts anyway.
 */
export async function publishBotProfile(telegram: Telegram, texts: BotTextsByLocale, logger: Logger): Promise<void> {
  const languages: (string | undefined)[] = [undefined, ...Object.keys(texts.byLocale)];
  for (const language of languages) {
    const localeTexts = textsFor(texts, language);
    const menu = MENU_COMMANDS[(language ?? texts.defaultLocale) === "it" ? "it" : "en"];
    const all: BotCommand[] = menu.map((c) => ({ command: c.command, description: localeTexts.commands[c.name] }));
    const group = all.filter((_, index) => GROUP_COMMANDS.has((menu[index] as { name: CommandName }).name));
    const scoped: [BotCommandScope, BotCommand[]][] = [
      [{ type: "all_private_chats" }, all],
      [{ type: "all_group_chats" }, group],
    ];
    const extra = language === undefined ? {} : { language_code: language };
    const steps: [string, () => Promise<unknown>][] = [
      ...scoped.map(([scope, commands]): [string, () => Promise<unknown>] => [
        `setMyCommands ${scope.type}`,
        () => telegram.setMyCommands(commands, { scope, ...extra }),
      ]),
      ["setMyDescription", () => telegram.setMyDescription(localeTexts.description, language)],
      ["setMyShortDescription", () => telegram.setMyShortDescription(localeTexts.shortDescription, language)],
    ];
    for (const [what, step] of steps) {
      await step().catch((error: unknown) => {
        logger.warn("telegram profile not published", { what, language: language ?? "default", error });
      });
    }
  }
}
