/** Where the CLI writes; tests pass arrays. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** A subcommand: its usage text, and what it does with its arguments; resolves to the exit code. */
export interface CliCommand {
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number> | number;
}
