import type { CommandName } from "../../src/engine/events.ts";

// The slash commands a person can type in the playground, in Italian and English, as on Telegram.
const commandNames: Readonly<Record<string, CommandName>> = {
  start: "start",
  help: "help",
  aiuto: "help",
  link: "link",
  collega: "link",
  unlink: "unlink",
  scollega: "unlink",
  language: "language",
  lingua: "language",
  cancel: "cancel",
  annulla: "cancel",
  history: "history",
  storico: "history",
};

/** Reads "/lingua en" as a command; any other text (codes, an unknown command) goes to the engine as text. */
export function parseCommand(text: string): { name: CommandName; args: string } | undefined {
  const match = /^\/([A-Za-z]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  const name = match?.[1] === undefined ? undefined : commandNames[match[1].toLowerCase()];
  if (name === undefined) return undefined;
  return { name, args: (match?.[2] ?? "").trim() };
}
