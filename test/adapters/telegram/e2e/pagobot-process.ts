import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository's root, where `src/main.ts` lives. */
export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

export interface PagobotProcess {
  /** pagobot's HTTP base URL, as it logged it ("pagobot is up"). */
  readonly url: string;
  /** Every log line pagobot wrote (pino JSON), for failure messages. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts pagobot exactly as `npm start` does (`node --import tsx src/main.ts`), with only the given settings in
 * its environment, and resolves once it logs "pagobot is up".
 */
export async function startPagobot(settings: Record<string, string>, timeoutMs = 45_000): Promise<PagobotProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...settings },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`pagobot did not start in ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`${error.message}\n${logs.slice(-30).join("\n")}`));
    };
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        logs.push(line);
        const entry = parseLine(line);
        if (entry?.msg === "pagobot is up" && typeof entry.url === "string") {
          clearTimeout(timer);
          resolve(entry.url);
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => logs.push(chunk.toString("utf8")));
    child.once("exit", (code) => fail(new Error(`pagobot exited with ${code} before it was up`)));
  });
  return { url, logs, stop: () => stopChild(child) };
}

/** A TCP port nobody listens on right now (webhook mode must know pagobot's URL before it starts). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
