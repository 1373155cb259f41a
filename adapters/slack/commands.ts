import type { CommandName } from "../../src/engine/events.ts";
import { commandWords } from "../../src/i18n/t.ts";

/** What `/paga <text>` (or `/pay <text>`) asks for. */
export type SlashIntent =
  /** Nothing after the command: open the modal (a file input and a text field). */
  | { readonly kind: "modal" }
  /** A sub-command: the engine's command, as typed commands are on Telegram. */
  | { readonly kind: "command"; readonly name: CommandName; readonly args: string }
  /** Anything else: codes or a QR's text, read as a typed message. */
  | { readonly kind: "text"; readonly text: string };

/** Reads the text Slack sends with a slash command; the sub-command's words are those of pagobot's i18n. */
export function slashIntent(text: string): SlashIntent {
  const trimmed = text.trim();
  if (trimmed === "") return { kind: "modal" };
  const [first = "", ...rest] = trimmed.split(/\s+/);
  const word = first.toLowerCase().replace(/^\//, "");
  const name = commandWords.find((entry) => entry.word === word)?.command;
  if (name !== undefined) return { kind: "command", name, args: rest.join(" ") };
  return { kind: "text", text: trimmed };
}
