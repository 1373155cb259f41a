// bench:scan-load — many people sending notice photos at once to scaled-out pagobot.
//
//   npm run bench:scan-load -- [--photos 50] [--workers 0,1,2] [--replicas 2] [--max-minutes 30]
//   (BENCH_FROM=n starts at the n-th such photo; BENCH_ANSWER_MS bounds each photo's wait, default 180 s;
//   BENCH_DEBUG=1 prints each one-at-a-time answer and the transcript of an unanswered photo)
//
// The first --photos corpus pictures with a notice in them (${PAGOBOT_SHARED_DIR:-../shared}/corpus/dev, in the
// manifest's order), each sent as a Telegram photo by a person of its own through the Telegram Bot API peer, to
// --replicas pagobot processes (`npm start`'s src/main.ts, webhook mode, on one Redis: a database of their own,
// empty when picked and emptied at the end; never database 0). The peer's updates reach the replicas in turn, up to
// 40 at once, as Telegram's webhook delivery does (bench/shared/telegram-fanout.ts). Photos go through the BullMQ
// scan queue, taken by 0, 1 and 2 `pagobot worker` processes (--workers; each with its default concurrency, one
// thread per core) and, only where there is no worker, by each replica's own 2 scanner threads (SCAN_THREADS=2;
// beside workers the replicas run SCAN_THREADS=0 and only queue, as a deployment with workers would).
//
// First, the same photos one at a time (the first configuration's processes, each photo after the last one's
// answer): the one-at-a-time decode rate. Then, per configuration (processes started afresh, so each one's peak RSS
// is its own), every photo at once:
//   cards/s        photos answered with a card over the time to the last answer;
//   p50/p95        from the photo to its answer at the peer (the card, "no QR found", "could not read it" (the
//                  scan's time ran out) or "busy");
//   decode         photos whose card names one of the notice numbers the photo holds, over all photos, next to
//                  the one-at-a-time rate (equal means no photo's time budget shrank under load);
//   peak RSS       VmHWM of each pagobot process (/proc/<pid>/status), and of this one.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { generateSecretKey } from "../src/store/crypto.ts";
import { type Child, freePort, startPagobotProcess } from "../test/crash/processes.ts";
import { startTelegramPeer, type TranscriptEntry } from "../test/peers/telegram/peer.ts";
import { fanOutUpdates } from "./shared/telegram-fanout.ts";
import { percentile } from "./webhooks/tally.ts";

const { values } = parseArgs({
  options: {
    photos: { type: "string", default: "50" },
    workers: { type: "string", default: "0,1,2" },
    replicas: { type: "string", default: "2" },
    "max-minutes": { type: "string", default: "30" },
  },
});
const photoCount = Number(values.photos);
const workerCounts = values.workers.split(",").map(Number);
const replicaCount = Number(values.replicas);
if (
  !Number.isInteger(photoCount) ||
  photoCount < 1 ||
  photoCount > 110 ||
  !workerCounts.every((n) => Number.isInteger(n) && n >= 0 && n <= 4) ||
  !Number.isInteger(replicaCount) ||
  replicaCount < 1 ||
  replicaCount > 3
) {
  process.stderr.write(
    "usage: npm run bench:scan-load -- [--photos 1..110] [--workers 0,1,2 (each 0..4)] [--replicas 1..3]\n",
  );
  process.exit(2);
}
/** How long one photo may wait for its answer before it counts as unanswered. */
const ANSWER_MS = Number(process.env.BENCH_ANSWER_MS ?? 180_000);
const root = fileURLToPath(new URL("..", import.meta.url));
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const corpus = join(resolve(root, process.env.PAGOBOT_SHARED_DIR ?? "../shared"), "corpus/dev");
const startEnv = { MALLOC_MMAP_THRESHOLD_: "524288", MALLOC_TRIM_THRESHOLD_: "524288" };

// ---- the photos ----

const manifest = JSON.parse(readFileSync(join(corpus, "manifest.json"), "utf8")) as {
  images: { file: string; expected: string[] }[];
};
const photos = manifest.images
  .filter((e) => e.expected.length > 0)
  .slice(Number(process.env.BENCH_FROM ?? 0), Number(process.env.BENCH_FROM ?? 0) + photoCount)
  .map((e) => ({
    file: e.file,
    bytes: readFileSync(join(corpus, e.file)),
    // PAGOPA|002|<notice number>|<payee fiscal code>|<cents>
    numbers: e.expected.map((payload) => payload.split("|")[2] ?? ""),
  }));

// ---- Redis: a database of our own ----

/** One command on `db` over RESP; the reply's first line. */
async function redisCommand(db: number, ...args: string[]): Promise<string> {
  const { hostname, port } = new URL(redisUrl);
  const encode = (parts: string[]) =>
    `*${parts.length}\r\n${parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("")}`;
  return new Promise((resolveReply, reject) => {
    const socket = createConnection({ host: hostname || "127.0.0.1", port: Number(port || 6379) }, () => {
      socket.write(encode(["SELECT", String(db)]) + encode(args));
    });
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      const lines = answer.split("\r\n");
      if (lines.length >= 3) {
        socket.end();
        if (lines[0]?.startsWith("-")) reject(new Error(`redis: ${lines[0]}`));
        else resolveReply(lines[1] ?? "");
      }
    });
    socket.on("error", reject);
  });
}

/** The first of databases 1–15 (13 is the crash tests') holding no key: ours for this run. */
async function pickEmptyDatabase(): Promise<number> {
  for (let db = 15; db >= 1; db--) {
    if (db === 13) continue;
    if ((await redisCommand(db, "DBSIZE")) === ":0") return db;
  }
  throw new Error("no empty Redis database among 1–15");
}

// ---- processes ----

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return Number.NaN;
  }
}

async function startWorker(storeUrl: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(root, "bin/pagobot.js"), "worker", "--log-level", process.env.BENCH_DEBUG ? "info" : "warn"],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...startEnv, REDIS_URL: storeUrl },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  await new Promise<void>((ready, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      // BENCH_DEBUG=1: the workers' own log lines too.
      if (process.env.BENCH_DEBUG) process.stdout.write(`[worker ${child.pid}] ${chunk.toString()}`);
      if (chunk.toString().includes("scan worker ready")) ready();
    });
    child.once("exit", (code) => reject(new Error(`pagobot worker exited with ${code}`)));
  });
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

// ---- the people and what they read ----

const peer = await startTelegramPeer();
/** Every process this run started, stopped if the run outlives --max-minutes. */
const running: { stop: () => Promise<unknown> }[] = [];
/** The database the current configuration uses, emptied however the run ends. */
let currentDb: number | undefined;
const abandon = (why: string, code: number) => {
  process.stderr.write(`bench:scan-load: ${why}, stopped\n`);
  void Promise.allSettled(running.map((p) => p.stop()))
    .then(() => (currentDb === undefined ? undefined : redisCommand(currentDb, "FLUSHDB")))
    .finally(() => process.exit(code));
};
const maxMinutes = Number(values["max-minutes"]);
setTimeout(() => abandon(`over ${maxMinutes} min`, 1), (maxMinutes > 0 ? maxMinutes : 30) * 60_000).unref();
process.once("SIGINT", () => abandon("interrupted", 130));
process.once("SIGTERM", () => abandon("terminated", 143));
type Outcome = "card" | "wrong card" | "no QR" | "timeout" | "busy" | "unanswered";
const answerWaiters = new Map<number, (outcome: Outcome, at: number) => void>();
const digits = (text: string) => text.replace(/\D/g, "");
const expectedByChat = new Map<number, readonly string[]>();
peer.state.on("transcript", () => {
  const entry = peer.state.transcript.at(-1) as TranscriptEntry | undefined;
  if (entry?.side !== "bot" || (entry.kind !== "message" && entry.kind !== "edit")) return;
  const waiter = answerWaiters.get(entry.chatId);
  if (waiter === undefined) return;
  const text = entry.text;
  let outcome: Outcome | undefined;
  if (text.includes("Avviso pagoPA")) {
    // The card names the notice number: one the photo holds, or a misread.
    const numbers = expectedByChat.get(entry.chatId) ?? [];
    outcome = numbers.some((n) => digits(text).includes(n)) ? "card" : "wrong card";
  } else if (text.startsWith("Su questo avviso ci sono più codici")) {
    // Instalments: the choice comes before the card (its buttons name amounts, not numbers).
    outcome = "card";
  } else if (text.startsWith("Non ho trovato il codice QR")) outcome = "no QR";
  else if (text.startsWith("Non sono riuscito a leggere l'immagine")) outcome = "timeout";
  else if (text.startsWith("Sto leggendo tanti avvisi")) outcome = "busy";
  if (outcome === undefined) return;
  answerWaiters.delete(entry.chatId);
  waiter(outcome, performance.now());
});

let personNumber = 0;
/** One person sends photo `i`; resolves with what they read first (card, no QR, busy) and when. */
function sendPhoto(i: number): Promise<{ outcome: Outcome; ms: number }> {
  const photo = photos[i] as (typeof photos)[number];
  const chat = peer.privateChat({ first_name: `Persona${++personNumber}`, language_code: "it" });
  expectedByChat.set(chat.id, photo.numbers);
  return new Promise((done) => {
    const sentAt = performance.now();
    const timer = setTimeout(() => {
      answerWaiters.delete(chat.id);
      // BENCH_DEBUG=1: what such a person read instead.
      if (process.env.BENCH_DEBUG) say(peer.printTranscript(chat.id));
      done({ outcome: "unanswered", ms: ANSWER_MS });
    }, ANSWER_MS);
    answerWaiters.set(chat.id, (outcome, at) => {
      clearTimeout(timer);
      done({ outcome, ms: at - sentAt });
    });
    chat.sendPhoto(photo.bytes, { label: photo.file });
  });
}

interface Round {
  readonly label: string;
  readonly results: { outcome: Outcome; ms: number }[];
  readonly wallMs: number;
  readonly rss: { name: string; mb: number }[];
}

function summary(round: Round) {
  const count = (o: Outcome) => round.results.filter((r) => r.outcome === o).length;
  const sorted = round.results.map((r) => r.ms).sort((a, b) => a - b);
  const cardsAt = round.results.filter((r) => r.outcome === "card" || r.outcome === "wrong card");
  return {
    cards: count("card"),
    wrong: count("wrong card"),
    noQr: count("no QR"),
    timeout: count("timeout"),
    busy: count("busy"),
    unanswered: count("unanswered"),
    decode: count("card") / round.results.length,
    cardsPerS: cardsAt.length / (round.wallMs / 1000),
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digitsAfter = 0) => (Number.isNaN(n) ? "-" : n.toFixed(digitsAfter));

async function configuration(workers: number, oneAtATime: boolean): Promise<Round[]> {
  const db = await pickEmptyDatabase();
  currentDb = db;
  const storeUrl = `${redisUrl.replace(/\/\d*$/, "")}/${db}`;
  const secret = `scanload_${process.pid}`;
  const ports = await Promise.all(Array.from({ length: replicaCount }, () => freePort()));
  const updates = fanOutUpdates(
    peer,
    ports.map((p) => `http://127.0.0.1:${p}/telegram/hook`),
    secret,
  );
  const keys = generateSecretKey("scanload");
  const replicas: Child[] = [];
  const workerProcesses: ChildProcess[] = [];
  try {
    for (const port of ports) {
      const { child } = await startPagobotProcess({
        ...startEnv,
        TELEGRAM_BOT_TOKEN: peer.token,
        TELEGRAM_API_ROOT: peer.apiRoot,
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        TELEGRAM_WEBHOOK_SECRET: secret,
        STORE_URL: storeUrl,
        SECRET_KEYS: keys,
        PORT: String(port),
        PLAYGROUND: "off",
        LOG_LEVEL: "info",
        // Beside dedicated workers a replica only queues: its threads would take the workers' cores.
        SCAN_THREADS: workers > 0 ? "0" : "2",
      });
      replicas.push(child);
      running.push({ stop: () => child.kill() });
    }
    for (let w = 0; w < workers; w++) {
      const worker = await startWorker(storeUrl);
      workerProcesses.push(worker);
      running.push({ stop: () => stopProcess(worker) });
    }
    const rss = () => [
      ...replicas.map((r, i) => ({ name: `replica ${i + 1}`, mb: peakRssMb(r.process.pid) })),
      ...workerProcesses.map((w, i) => ({ name: `worker ${i + 1}`, mb: peakRssMb(w.pid) })),
    ];
    const rounds: Round[] = [];
    if (oneAtATime) {
      const results: Round["results"] = [];
      const started = performance.now();
      for (let i = 0; i < photos.length; i++) {
        results.push(await sendPhoto(i));
        if (process.env.BENCH_DEBUG) say(`${photos[i]?.file} ${JSON.stringify(results.at(-1))}`);
      }
      rounds.push({ label: "one at a time", results, wallMs: performance.now() - started, rss: rss() });
      say(`one at a time done (${(rounds[0]?.wallMs ?? 0) / 1000} s)`);
    }
    const started = performance.now();
    const results = await Promise.all(photos.map((_, i) => sendPhoto(i)));
    const wallMs = Math.max(...results.map((r) => r.ms));
    rounds.push({ label: `${photos.length} at once, ${workers} worker(s)`, results, wallMs, rss: rss() });
    say(`${workers} worker(s): ${photos.length} at once done (${((performance.now() - started) / 1000).toFixed(0)} s)`);
    return rounds;
  } finally {
    for (const w of workerProcesses) await stopProcess(w);
    for (const r of replicas) await r.terminate(15_000);
    updates.stop();
    await redisCommand(db, "FLUSHDB");
    currentDb = undefined;
  }
}

const rounds: Round[] = [];
try {
  say(
    `bench:scan-load: ${photos.length} corpus photos (${corpus}), ${replicaCount} replica(s) on Redis, ` +
      `scan workers ${workerCounts.join(", ")}`,
  );
  for (const [index, workers] of workerCounts.entries()) rounds.push(...(await configuration(workers, index === 0)));
} finally {
  await peer.stop();
}

say("");
say(
  `${"run".padEnd(30)} ${"cards".padStart(5)} ${"wrong".padStart(5)} ${"no QR".padStart(5)} ${"timeout".padStart(7)} ${"busy".padStart(4)} ${"none".padStart(4)} ${"decode".padStart(6)} ${"cards/s".padStart(7)} ${"p50 ms".padStart(7)} ${"p95 ms".padStart(7)}  peak RSS MB`,
);
for (const round of rounds) {
  const s = summary(round);
  say(
    `${round.label.padEnd(30)} ${String(s.cards).padStart(5)} ${String(s.wrong).padStart(5)} ${String(s.noQr).padStart(5)} ${String(s.timeout).padStart(7)} ${String(s.busy).padStart(4)} ${String(s.unanswered).padStart(4)} ${fmt(s.decode, 2).padStart(6)} ${fmt(s.cardsPerS, 2).padStart(7)} ${fmt(s.p50).padStart(7)} ${fmt(s.p95).padStart(7)}  ${round.rss.map((r) => `${r.name} ${fmt(r.mb)}`).join(", ")}`,
  );
}
say(`driver (peer and people) peak RSS ${fmt(peakRssMb(process.pid))} MB`);
const one = rounds[0] === undefined ? undefined : summary(rounds[0]);
const loads = rounds.slice(1).map((r) => ({ label: r.label, s: summary(r) }));
say(
  `one_decode=${fmt(one?.decode ?? Number.NaN, 2)} ` +
    loads
      .map(({ label, s }) => {
        const w = /(\d+) worker/.exec(label)?.[1] ?? "?";
        return `w${w}_cards_per_s=${fmt(s.cardsPerS, 2)} w${w}_p95_ms=${fmt(s.p95)} w${w}_decode=${fmt(s.decode, 2)}`;
      })
      .join(" "),
);
