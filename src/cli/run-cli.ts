import { sandboxCommand } from "../droppay/sandbox/cli.ts";
import { runParse } from "./parse-command.ts";

/** Where the CLI writes; tests pass arrays. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A subcommand: its one-line summary, its usage, and what it does with its arguments; resolves to the exit code. */
export interface CliCommand {
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number> | number;
}

const commands = new Map<string, CliCommand>([
  ["parse", runParse],
  ["sandbox", sandboxCommand],
]);

/** Registers a subcommand (later areas add theirs: `scan`, `sandbox`). */
export function addCliCommand(name: string, command: CliCommand): void {
  commands.set(name, command);
}

function help(): string {
  const lines = ["Usage: pagobot <command> [options]", "", "Commands:"];
  for (const [name, command] of commands) lines.push(`  ${name.padEnd(8)} ${command.summary}`);
  lines.push("", "Run `pagobot <command> --help` for a command's options.");
  return lines.join("\n");
}

/** Runs the pagobot command line; resolves to the process exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(help());
    return name === undefined ? 1 : 0;
  }
  const command = commands.get(name);
  if (command === undefined) {
    io.err(`pagobot: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  return command.run(rest, io);
}
