import type { MessageEntity } from "telegraf/types";
import type { CommandName } from "../../src/engine/events.ts";

/**
 * The slash commands people type, Italian first with English aliases, and the engine command each means.
 * Telegram command names are 1–32 characters of a–z, 0–9 and _.
 */
const COMMANDS: Readonly<Record<string, CommandName>> = {
  start: "start",
  help: "help",
  aiuto: "help",
  collega: "link",
  link: "link",
  scollega: "unlink",
  unlink: "unlink",
  lingua: "language",
  language: "language",
  annulla: "cancel",
  cancel: "cancel",
  storico: "history",
  history: "history",
};

/** The commands listed in Telegram's menu, per menu language, in the order shown. */
export const MENU_COMMANDS: Readonly<Record<"it" | "en", readonly { command: string; name: CommandName }[]>> = {
  it: [
    { command: "start", name: "start" },
    { command: "help", name: "help" },
    { command: "collega", name: "link" },
    { command: "scollega", name: "unlink" },
    { command: "lingua", name: "language" },
    { command: "annulla", name: "cancel" },
    { command: "storico", name: "history" },
  ],
  en: [
    { command: "start", name: "start" },
    { command: "help", name: "help" },
    { command: "link", name: "link" },
    { command: "unlink", name: "unlink" },
    { command: "language", name: "language" },
    { command: "cancel", name: "cancel" },
    { command: "history", name: "history" },
  ],
};

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

/** The engine command a typed command means, if it is one of ours. */
export function commandName(command: string): CommandName | undefined {
  return Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
}
