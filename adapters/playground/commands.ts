import type { CommandName } from "../../src/engine/events.ts";
import { commandWords } from "../../src/i18n/t.ts";

// The engine's own names of each command in both languages ("/collega" and "/link"): one table for every surface.
const commandNames: ReadonlyMap<string, CommandName> = new Map(
  commandWords.map(({ word, command }) => [word, command]),
);

/** Reads "/lingua en" as a command; any other text (codes, an unknown command) goes to the engine as text. */
export function parseCommand(text: string): { name: CommandName; args: string } | undefined {
  const match = /^\/([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const name = match?.[1] === undefined ? undefined : commandNames.get(match[1].toLowerCase());
  if (name === undefined) return undefined;
  return { name, args: (match?.[2] ?? "").trim() };
}
