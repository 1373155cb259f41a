import { parseArgs } from "node:util";
import type { CliCommand } from "../../cli/command.ts";
import { createLogger } from "../../log/logger.ts";
import { type Cents, formatCents, parseEuroText } from "../../notice/money.ts";
import { startSandbox } from "./server.ts";

const usage = `Usage: pagobot sandbox [--port 4010] [--data-file path.json] [--balance 500.00] [--second-factor]
                       [--seed N] [--settle-ms 1500] [--log-level info]
       pagobot sandbox reset [--url http://127.0.0.1:4010]

Starts the DropPay sandbox alone on 127.0.0.1 and prints its URL and a ready test token
(a funded test account). Stop it with Ctrl+C. (npm run sandbox -- --port 4010)

"reset" tells a running sandbox to start its demo again: every notice can be paid again and
every account gets its opening balance back (accounts, tokens and forms are kept).`;

/** `pagobot sandbox reset`: POSTs /sandbox/v1/reset to a running sandbox and prints what it cleared. */
async function resetRunning(args: readonly string[], io: Parameters<CliCommand["run"]>[1]): Promise<number> {
  let url: string;
  try {
    const { values } = parseArgs({
      args: [...args],
      options: { url: { type: "string" } },
      strict: true,
      allowPositionals: false,
    });
    url = new URL("/sandbox/v1/reset", values.url ?? "http://127.0.0.1:4010").href;
  } catch (error) {
    io.err(`pagobot sandbox reset: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) {
      io.err(`pagobot sandbox reset: the sandbox answered ${response.status}`);
      return 1;
    }
    const body = (await response.json()) as { notices_forgotten?: number; accounts_refilled?: number };
    io.out(
      `Sandbox reset: ${body.notices_forgotten ?? 0} paid notice(s) payable again, ` +
        `${body.accounts_refilled ?? 0} account(s) back to their opening balance.`,
    );
    return 0;
  } catch (error) {
    io.err(`pagobot sandbox reset: no sandbox answered at ${url} (${(error as Error).message})`);
    return 1;
  }
}

/** `pagobot sandbox`: runs the sandbox until SIGINT/SIGTERM. */
export const sandboxCommand: CliCommand = {
  usage,
  async run(args, io) {
    if (args[0] === "reset") return resetRunning(args.slice(1), io);
    let values: ReturnType<typeof parse>;
    try {
      values = parse(args);
    } catch (error) {
      io.err(`pagobot sandbox: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    const port = Number(values.port ?? "4010");
    const balance = parseEuroText(values.balance ?? "500.00");
    const seed = values.seed === undefined ? undefined : Number(values.seed);
    const settleMs = values["settle-ms"] === undefined ? undefined : Number(values["settle-ms"]);
    if (
      !Number.isInteger(port) ||
      port < 0 ||
      port > 65535 ||
      !balance.ok ||
      Number.isNaN(seed) ||
      Number.isNaN(settleMs)
    ) {
      io.err(`pagobot sandbox: bad option value\n\n${usage}`);
      return 2;
    }
    const logger = createLogger({ level: values["log-level"] ?? "info" });
    let sandbox: Awaited<ReturnType<typeof startSandbox>>;
    try {
      sandbox = await startSandbox({
        port,
        dataFile: values["data-file"],
        secondFactor: values["second-factor"] ?? false,
        seed,
        timing: settleMs === undefined ? undefined : { settleMs },
        logger,
      });
    } catch (error) {
      const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
      io.err(`pagobot sandbox: ${inUse ? `port ${port} is already in use (try --port 0)` : (error as Error).message}`);
      return 1;
    }
    const { account, accessToken, expiresInSeconds } = sandbox.admin.createAccount({ balanceCents: balance.value });
    io.out(`DropPay sandbox listening on ${sandbox.url}`);
    io.out(`Application key: ${sandbox.app.key}   secret: ${sandbox.app.secret}`);
    io.out(
      `Test account ${account.id} (${account.ownerName}, ${account.iban}), balance ${formatCents(account.balanceCents, "it")}`,
    );
    io.out(`Test token: ${accessToken}   (expires in ${expiresInSeconds} s; POST /sandbox/v1/accounts for more)`);
    io.out("Test notices (payee fiscal code → behaviour):");
    for (const n of sandbox.admin.testNotices) {
      io.out(
        `  ${n.fiscalCode}  ${n.noticeNumber}  ${formatCents(n.amountCents as Cents, "it").padStart(10)}  ${n.label.en}`,
      );
    }
    io.out("Press Ctrl+C to stop.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await sandbox.close();
    return 0;
  },
};

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    options: {
      port: { type: "string", short: "p" },
      "data-file": { type: "string" },
      balance: { type: "string" },
      "second-factor": { type: "boolean" },
      seed: { type: "string" },
      "settle-ms": { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
    allowPositionals: false,
  }).values;
}
