import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoDir = fileURLToPath(new URL("../..", import.meta.url));

/** A running `npm start`: its playground URL, everything it printed, and how to stop it. */
export interface RunningPagobot {
  readonly url: string;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts pagobot as a newcomer does, with `npm start` on the embedded defaults (sandbox, SQLite), on a free
 * port and with its data in a fresh temporary folder; resolves once the playground's line is printed.
 */
export async function startPagobot(extraEnv: Record<string, string> = {}): Promise<RunningPagobot> {
  const dataDir = await mkdtemp(join(tmpdir(), "pagobot-first-run-"));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // PORT=0: the system picks a free port, and the terminal line says which.
    PORT: "0",
    STORE_URL: `sqlite://${join(dataDir, "pagobot.sqlite")}`,
    LOG_LEVEL: "warn",
    // Embedded mode whatever the developer's shell holds: no real PSP, no chat platform.
    DROPPAY_BASE_URL: "",
    TELEGRAM_BOT_TOKEN: "",
    SLACK_BOT_TOKEN: "",
    SLACK_SIGNING_SECRET: "",
    PLAYGROUND: "",
    ...extraEnv,
  };
  // Its own process group, so that npm and the node it starts stop together.
  const child = spawn("npm", ["start", "--silent"], { cwd: repoDir, env, detached: true, stdio: "pipe" });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const stop = async () => {
    await stopGroup(child);
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await waitFor(() => /^\s+playground\s+(http:\/\/\S+?)\/?\s/m.exec(output)?.[1], child, 60_000);
    return { url, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`npm start did not bring the playground up:\n${output}`, { cause: error });
  }
}

async function waitFor<T>(probe: () => T | undefined, child: ChildProcess, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function stopGroup(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const groupAlive = () => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!groupAlive()) return;
  process.kill(-pid, "SIGTERM");
  // npm exits at once; the node process it started is done only when its own shutdown is: wait for the group.
  const deadline = Date.now() + 10_000;
  while (groupAlive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (groupAlive()) process.kill(-pid, "SIGKILL");
}

/** A notice image with the payload it carries. */
export interface NoticeImage {
  readonly path: string;
  readonly payload: string;
}

/**
 * Photographed notices for the first-run test: from the shared corpus (PAGOBOT_SHARED_DIR, else ../shared next
 * to the repository), else from the scanner's committed fixtures. Clear phone photos with one QR code, of at most
 * 500 € each, so that every payment of a test run fits the sandbox demo account's balance.
 */
export async function noticePhotos(count: number): Promise<NoticeImage[]> {
  const sharedDir = process.env.PAGOBOT_SHARED_DIR ?? join(repoDir, "..", "shared");
  for (const dir of [join(sharedDir, "corpus", "dev"), join(repoDir, "test", "fixtures", "scanner")]) {
    if (!existsSync(join(dir, "manifest.json"))) continue;
    const manifest = JSON.parse(await readFile(join(dir, "manifest.json"), "utf8")) as { images: ManifestImage[] };
    const chosen = manifest.images
      .filter((i) => i.expected.length === 1 && i.kind === "photo" && i.difficulty !== "hard")
      .filter((i) => (i.qr_module_px[0] ?? 0) >= 3 && i.bytes <= 600_000 && existsSync(join(dir, i.file)))
      .filter((i) => Number(i.expected[0]?.split("|")[4]) <= 50_000)
      // Easy ones first, and among them the largest QR modules: this test is about the page, not the scanner's limits.
      .sort((a, b) => rank(a) - rank(b) || (b.qr_module_px[0] ?? 0) - (a.qr_module_px[0] ?? 0))
      .slice(0, count);
    if (chosen.length === count) return chosen.map((i) => ({ path: join(dir, i.file), payload: i.expected[0] ?? "" }));
  }
  return [];
}

const rank = (image: ManifestImage): number => (image.difficulty === "easy" ? 0 : 1);

interface ManifestImage {
  readonly file: string;
  readonly kind: string;
  readonly difficulty: string;
  readonly bytes: number;
  readonly expected: readonly string[];
  readonly qr_module_px: readonly number[];
}
