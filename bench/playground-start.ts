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

async function ready(url: string): Promise<boolean> {
  try {
    const [page, config] = await Promise.all([fetch(url), fetch(`${url}api/config`)]);
    return page.ok && config.ok;
  } catch {
    return false;
  }
}

async function once(): Promise<{ readyMs: number; urlLineMs: number | undefined }> {
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
  child.stdout.on("data", (chunk: Buffer) => {
    if (urlLineMs === undefined && chunk.toString().includes(`:${port}`)) urlLineMs = performance.now() - started;
  });
  const url = `http://127.0.0.1:${port}/`;
  const deadline = started + 60_000;
  while (!(await ready(url))) {
    if (performance.now() > deadline || child.exitCode !== null) throw new Error("pagobot did not become ready");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const readyMs = performance.now() - started;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
  await exited;
  await rm(dataDir, { recursive: true, force: true });
  return { readyMs, urlLineMs };
}

const results: number[] = [];
for (let i = 1; i <= runs; i++) {
  const { readyMs, urlLineMs } = await once();
  results.push(readyMs);
  const line = urlLineMs === undefined ? "" : `, URL printed at ${urlLineMs.toFixed(0)} ms`;
  console.log(`run ${i}: playground ready ${readyMs.toFixed(0)} ms after npm start${line}`);
}
const sorted = [...results].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
console.log(
  `median of ${runs}: ${median.toFixed(0)} ms (min ${sorted[0]?.toFixed(0)}, max ${sorted.at(-1)?.toFixed(0)})`,
);
