import type { CliCommand, CliIo } from "./command.ts";

/** A subcommand as the dispatcher knows it: loaded only when run, so `parse` does not pay for the sandbox. */
interface CommandEntry {
  readonly summary: string;
  load(): Promise<CliCommand>;
}

const commands = new Map<string, CommandEntry>([
  [
    "parse",
    {
      summary: "read a QR text, Data Matrix text, notice number, payee fiscal code or message; print JSON",
      load: async () => (await import("./parse-command.ts")).runParse,
    },
  ],
  [
    "sandbox",
    {
      summary: "run the DropPay sandbox alone (default port 4010)",
      load: async () => (await import("../droppay/sandbox/cli.ts")).sandboxCommand,
    },
  ],
  [
    "scan",
    {
      summary: "read the pagoPA QR codes in photos, screenshots or PDFs; print one JSON line per file",
      load: async () => (await import("./scan-command.ts")).runScan,
    },
  ],
  [
    "worker",
    {
      summary: "scan the photos the replicas queue in Redis (REDIS_URL or STORE_URL=redis://)",
      load: async () => (await import("./worker-command.ts")).runWorker,
    },
  ],
]);

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
  const entry = commands.get(name);
  if (entry === undefined) {
    io.err(`pagobot: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes("--help") || rest.includes("-h")) {
    io.out(command.usage);
    return 0;
  }
  return command.run(rest, io);
}
