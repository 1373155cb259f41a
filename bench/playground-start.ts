// Measures the time from `npm start` to a ready playground (the page and its API answer), as a newcomer
// starts pagobot: embedded defaults, a fresh SQLite file each run. Prints each run and the median.
//   npm run bench:start -- [runs=5]
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("..", import.meta.url));
const runs = Number(process.argv[2] ?? 5);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

// npm exits at once on SIGTERM; pagobot itself (its child) only when its shutdown is done.
async function stopGroup(pid: number): Promise<void> {
  process.kill(-pid, "SIGTERM");
  const deadline = Date.now() + 10_000;
  while (groupAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (groupAlive(pid)) process.kill(-pid, "SIGKILL");
}

async function ready(url: string): Promise<boolean> {
  try {
    const [page, config] = await Promise.all([fetch(url), fetch(`${url}api/config`)]);
    return page.ok && config.ok;
  } catch {
    return false;
  }
}

async function once(): Promise<{ readyMs: number; urlLineMs: number }> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), "pagobot-bench-"));
  const started = performance.now();
  const child = spawn("npm", ["start", "--silent"], {
    cwd: repo,
    // A process group of its own, so npm and the node it starts stop together.
    detached: true,
    env: { ...process.env, PORT: String(port), STORE_URL: `sqlite://${join(dataDir, "pagobot.sqlite")}` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let urlLineMs: number | undefined;
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
    if (urlLineMs === undefined && /^\s+playground\s+http:\/\/\S+/m.test(output))
      urlLineMs = performance.now() - started;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = started + 60_000;
  let answeredMs: number | undefined;
  // Ready as a newcomer sees it: the terminal shows the URL, and the page behind it answers.
  while (urlLineMs === undefined || answeredMs === undefined) {
    if (performance.now() > deadline || child.exitCode !== null) throw new Error("pagobot did not become ready");
    if (answeredMs === undefined && (await ready(url))) answeredMs = performance.now() - started;
    else await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = Math.max(urlLineMs, answeredMs);
  if (child.pid !== undefined) await stopGroup(child.pid);
  await rm(dataDir, { recursive: true, force: true });
  return { readyMs, urlLineMs };
}

const results: number[] = [];
for (let i = 1; i <= runs; i++) {
  const { readyMs, urlLineMs } = await once();
  results.push(readyMs);
  console.log(
    `run ${i}: playground ready ${readyMs.toFixed(0)} ms after npm start (URL printed at ${urlLineMs.toFixed(0)} ms)`,
  );
}
const sorted = [...results].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
console.log(
  `median of ${runs}: ${median.toFixed(0)} ms (min ${sorted[0]?.toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)})`,
);
