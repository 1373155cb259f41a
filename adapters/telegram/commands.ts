import type { MessageEntity } from "telegraf/types";
import type { CommandName } from "../../src/engine/events.ts";
import { commandWords, messagesFor } from "../../src/i18n/t.ts";
import type { Locale } from "../../src/notice/money.ts";

/** A /command at the very start of a text or caption (telegraf's command() only looks at texts, not captions). */
export interface LeadingCommand {
  /** Lower-case, without the slash and the @bot suffix. */
  readonly command: string;
  /** The @username it was addressed to, if any ("/start@pagobot" in a group). */
  readonly addressee?: string;
  /** The text after the command, trimmed. */
  readonly args: string;
  /** The whole text with the @bot suffix removed, for commands the engine does not know. */
  readonly text: string;
}

export function leadingCommand(
  text: string,
  entities: readonly MessageEntity[] | undefined,
): LeadingCommand | undefined {
  const entity = entities?.find((e) => e.type === "bot_command" && e.offset === 0);
  if (entity === undefined) return undefined;
  const token = text.slice(1, entity.length);
  const at = token.indexOf("@");
  const command = (at === -1 ? token : token.slice(0, at)).toLowerCase();
  const addressee = at === -1 ? undefined : token.slice(at + 1);
  const rest = text.slice(entity.length);
  return {
    command,
    ...(addressee === undefined ? {} : { addressee }),
    args: rest.trim(),
    text: `/${command}${rest}`,
  };
}

/** The engine command a typed word means, in either language (/collega and /link alike), if it is one. */
export function commandName(word: string): CommandName | undefined {
  return commandWords.find((entry) => entry.word === word)?.command;
}

/** The commands Telegram's menu lists in a language, with the words people type in it, in the engine's order. */
export function menuCommands(locale: Locale): { command: string; name: CommandName; description: string }[] {
  const messages = messagesFor(locale);
  return (Object.keys(messages.commands) as CommandName[]).map((name) => ({
    command: messages.commands[name],
    name,
    description: messages.commandDescriptions[name],
  }));
}
