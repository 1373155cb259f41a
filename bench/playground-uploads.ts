// Measures the playground's memory under parallel uploads: a playground server in its own process (an engine that
// downloads each file, as the real one hands it to the scanner), then N parallel uploads of M MB from one client.
// Prints the server's RSS before, its peak during, and how many uploads were taken or refused (429).
//   npm run bench:uploads -- [parallel=20] [mb=19] [repo=.]
// `repo` may point at another checkout (e.g. an older commit in a temporary worktree) to compare.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [mode] = process.argv.slice(2);

if (mode === "--server") {
  const repo = process.argv[3] ?? ".";
  const load = (path: string) => import(pathToFileURL(resolve(repo, path)).href);
  const { createPlaygroundAdapter } = await load("adapters/playground/index.ts");
  const { createHttpServer } = await load("src/http/server.ts");
  const { silentLogger } = await load("src/log/logger.ts");
  // Holds each file's bytes for 50 ms after downloading them, as a scan would, then lets them go.
  const engine = {
    registerPort() {},
    async drain() {},
    async handle(event: { type: string; files?: { download(max: number): Promise<Uint8Array> }[] }) {
      if (event.type === "files") {
        const bytes = await event.files?.[0]?.download(20 * 1024 * 1024).catch(() => undefined);
        await new Promise((done) => setTimeout(done, 50));
        return { toast: `read ${bytes?.length ?? 0} bytes` };
      }
      return {};
    },
  };
  const http = createHttpServer(silentLogger);
  createPlaygroundAdapter({ engine, http, logger: silentLogger });
  const url = await http.listen(0);
  let peak = process.memoryUsage().rss;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 10).unref();
  process.stdout.write(`${JSON.stringify({ url, rss: process.memoryUsage().rss })}\n`);
  process.stdin.on("data", () => {
    global.gc?.();
    process.stdout.write(`${JSON.stringify({ peak, rss: process.memoryUsage().rss })}\n`);
  });
} else {
  const parallel = Number(process.argv[2] ?? 20);
  const mb = Number(process.argv[3] ?? 19);
  const repo = process.argv[4] ?? fileURLToPath(new URL("..", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const child = spawn(process.execPath, ["--import", "tsx", self, "--server", repo], {
    cwd: repo,
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buffer = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split("\n");
    buffer = parts.pop() ?? "";
    lines.push(...parts);
  });
  const nextLine = async () => {
    while (lines.length === 0) await new Promise((done) => setTimeout(done, 20));
    return JSON.parse(lines.shift() ?? "{}") as Record<string, number | string>;
  };
  const started = await nextLine();
  const url = String(started.url);
  const body = Buffer.alloc(mb * 1024 * 1024, 7);
  const query = new URLSearchParams({ chatId: "bench", kind: "private", userId: "bench.anna", name: "Anna" });
  const upload = () =>
    new Promise<number>((done) => {
      const req = request(`${url}/api/files?${query}`, {
        method: "POST",
        headers: { "content-type": "image/jpeg", "content-length": String(body.length), "x-file-name": "big.jpg" },
      });
      req.on("response", (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on("error", () => done(-1));
      req.end(body);
    });
  const began = Date.now();
  const statuses = await Promise.all(Array.from({ length: parallel }, upload));
  const ms = Date.now() - began;
  child.stdin?.write("report\n");
  const report = await nextLine();
  child.kill();
  const count = (status: number) => statuses.filter((s) => s === status).length;
  const mib = (bytes: number | string | undefined) => `${Math.round(Number(bytes) / 1024 / 1024)} MB`;
  console.log(`playground uploads: ${parallel} parallel × ${mb} MB from one client (${repo})`);
  console.log(
    `  taken (200): ${count(200)}   refused (429): ${count(429)}   other: ${parallel - count(200) - count(429)}`,
  );
  console.log(
    `  server RSS: ${mib(started.rss)} idle, ${mib(report.peak)} peak, ${mib(report.rss)} after   (${ms} ms)`,
  );
}
