import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository's root, where `src/main.ts` and `src/cli/main.ts` live. */
const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** A child process started as `npm start` / `npm run sandbox` start theirs: node with tsx, from the root. */
export interface Child {
  readonly process: ChildProcess;
  /** Every line it wrote (stdout and stderr), for failure messages. */
  readonly lines: string[];
  /** Resolves with the first line matching `pattern` (already written or to come). */
  line(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL: no handler runs, nothing is flushed; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when it had to be killed). */
  terminate(graceMs?: number): Promise<number | null>;
}

function startChild(args: readonly string[], env: Record<string, string>): Child {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  const take = (stream: NodeJS.ReadableStream | null) => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      lines.push(...parts);
      for (const waiter of waiters) waiter();
    });
  };
  take(child.stdout);
  take(child.stderr);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    process: child,
    lines,
    line(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (const line of lines) {
            const match = pattern.exec(line);
            if (match !== null) {
              waiters.delete(check);
              clearTimeout(timer);
              resolve(match);
              return;
            }
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line ${pattern} in ${timeoutMs} ms:\n${lines.slice(-40).join("\n")}`));
        }, timeoutMs);
        waiters.add(check);
        check();
        void exited.then(() => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          clearTimeout(timer);
          reject(new Error(`exited before ${pattern}:\n${lines.slice(-40).join("\n")}`));
        });
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async terminate(graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The DropPay sandbox in its own process, as `npm run sandbox` runs it. */
export async function startSandboxProcess(options: {
  readonly dataFile: string;
  readonly settleMs: number;
}): Promise<{ child: Child; url: string; appKey: string; appSecret: string }> {
  const child = startChild(
    [
      "src/cli/main.ts",
      "sandbox",
      "--port",
      "0",
      "--data-file",
      options.dataFile,
      "--settle-ms",
      String(options.settleMs),
      "--log-level",
      "warn",
    ],
    {},
  );
  const [, url = ""] = await child.line(/DropPay sandbox listening on (\S+)/);
  const [, appKey = "", appSecret = ""] = await child.line(/Application key: (\S+)\s+secret: (\S+)/);
  return { child, url, appKey, appSecret };
}

/** pagobot as `npm start` runs it (`node --import tsx src/main.ts`), with only the given settings. */
export async function startPagobotProcess(settings: Record<string, string>): Promise<{ child: Child; upAt: number }> {
  const child = startChild(["src/main.ts"], settings);
  await child.line(/"msg":"pagobot is up"/);
  return { child, upAt: Date.now() };
}

/** A TCP port nobody listens on now (pagobot keeps the same one across restarts, as the webhooks need). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}
