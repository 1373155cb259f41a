// bench:webhooks — what DropPay's PAID webhooks cost pagobot when it is scaled out, against a floor.
//
//   npm run bench:webhooks -- [count=2000] [--store redis|sqlite] [--rate 500] [--rate-seconds 4] [--no-floor]
//                              [--warm-up N] [--max-minutes 20]
//
//   count           paid forms, each in a chat of its own (at most 20,000). Half of them (at most rate ×
//                   rate-seconds) go to the fixed-rate phase, the rest to the closed loop.
//   --warm-up       the closed loop's first N webhooks, the floor's and pagobot's, are sent but not measured
//                   (default a fifth of the closed loop, at most 1,000; never more than half of it).
//   --store redis   (default) two pagobot replicas, each a process of its own, sharing the Redis at REDIS_URL
//                   (default redis://127.0.0.1:6379) under a fresh key prefix, removed at the end;
//   --store sqlite  one pagobot process on an SQLite file in a temporary directory.
//   --rate          the fixed rate, webhooks per second (default 500); --rate-seconds bounds that phase (default 4).
//   --no-floor      skips the floor.
//   --max-minutes   the whole run's bound (default 20): past it, every process is stopped and it exits 1.
//   BENCH_LOG_LEVEL=<level> the replicas' log level (default warn); BENCH_CPU_PROFILE=<file> a CPU profile of each
//                   measured process per phase (<file>.<pid>.<n>.cpuprofile).
//
// Processes, all on loopback: the driver (this one: the Telegram Bot API peer as the chat; its updates posted to
// the replicas in turn, as Telegram's webhook delivery does, by bench/shared/telegram-fanout.ts; and the webhooks'
// sender), the DropPay sandbox (bench/webhooks/sandbox-process.ts), the replicas (bench/webhooks/replica.ts,
// started as `npm start` starts pagobot) and the floor (bench/webhooks/floor.ts: a bare listener doing only what
// any listener must for one PAID webhook: auth, form GET, Redis SET NX, chat POST).
//
// Setup: each chat pays through pagobot (notice text → card → Paga → "In corso"); the form's webhook URL is the
// replica's own PUBLIC_URL, so the forms' webhooks are spread over the replicas as the Paga presses were. The
// sandbox holds back every PAID webhook (each form's own URL and credentials); then they are replayed:
//   closed loop   32 in flight: a webhook holds its place from its POST until its chat shows the payment as paid
//                 (the card edit or the PAID message, whichever is first; see closedLoop for why);
//   fixed rate    --rate per second, open loop, timed from each webhook's scheduled moment.
// Both take the latency to the first PAID sign ("shown") and to the PAID message ("msg"). A 429/503 answer is
// posted again after its Retry-After, as DropPay retries non-2xx. Lost and doubled are counted over the whole run,
// from the PAID messages each form's chat received (bench/webhooks/tally.ts). Store operations per webhook (by
// kind and by area: the key's first part) are counted inside the replicas (BENCH_COUNT_OPS=1 there).
//
// Last line: webhooks_per_s=<closed loop, shown/s> p50_ms=<PAID message at the fixed rate> p99_ms=<same>
// lost=N doubled=N
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDropPayClient, staticTokenSource } from "../src/droppay/index.ts";
import { silentLogger } from "../src/log/logger.ts";
import { generateSecretKey } from "../src/store/crypto.ts";
import { createRedisKv } from "../src/store/redis-kv.ts";
import { freePort } from "../test/crash/processes.ts";
import { noticeNumber, ordinaryPayee } from "../test/helpers/notices.ts";
import { type PeerChat, startTelegramPeer, type TranscriptEntry } from "../test/peers/telegram/peer.ts";
import { fanOutUpdates, type TelegramFanout } from "./shared/telegram-fanout.ts";
import type { OpCounts } from "./webhooks/counting-kv.ts";
import { type FromChild, floorPassword } from "./webhooks/protocol.ts";
import { type RedisTraffic, redisTrafficMeter } from "./webhooks/redis-traffic.ts";
import type { FromSandbox, Held } from "./webhooks/sandbox-process.ts";
import { isPaidMessage, isPaidShown, percentile, tallyPaid } from "./webhooks/tally.ts";

const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    store: { type: "string", default: "redis" },
    rate: { type: "string", default: "500" },
    "rate-seconds": { type: "string", default: "4" },
    "no-floor": { type: "boolean", default: false },
    "warm-up": { type: "string" },
    "max-minutes": { type: "string", default: "20" },
  },
});
const count = Number(positionals[0] ?? 2000);
const storeKind = flags.store;
const rate = Number(flags.rate);
const rateSeconds = Number(flags["rate-seconds"]);
if (
  !Number.isInteger(count) ||
  count < 2 ||
  count > 20_000 ||
  (storeKind !== "redis" && storeKind !== "sqlite") ||
  !(rate > 0 && rate <= 5_000) ||
  !(rateSeconds > 0 && rateSeconds <= 60) ||
  (flags["warm-up"] !== undefined && !(Number.isInteger(Number(flags["warm-up"])) && Number(flags["warm-up"]) >= 0))
) {
  process.stderr.write(
    "usage: npm run bench:webhooks -- [count 2..20000] [--store redis|sqlite] [--rate 1..5000] [--rate-seconds 1..60] [--warm-up N] [--no-floor]\n",
  );
  process.exit(2);
}
const IN_FLIGHT = 32;
/** Payments set up at once (each in its own chat: Telegram's per-chat pacing is not what is measured). */
const SETUP_PARALLEL = 64;
/** How long one webhook may wait for its PAID message before it is given up (and counted lost at the end). */
const WAIT_MS = 30_000;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const rateCount = Math.min(Math.floor(count / 2), Math.floor(rate * rateSeconds));
const loopCount = count - rateCount;
/**
 * Webhooks of the closed loop sent first and not measured, the floor's and pagobot's alike: a process's first
 * thousand requests run code V8 has not optimized yet, and a short run measured them as much as the rest.
 */
const warmCount = Math.min(
  Math.floor(loopCount / 2),
  flags["warm-up"] === undefined ? Math.min(1_000, Math.floor(loopCount / 5)) : Number(flags["warm-up"]),
);
const runStarted = Date.now();
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
/** What `npm start` sets besides the settings (package.json): the malloc trim thresholds. */
const startEnv = { MALLOC_MMAP_THRESHOLD_: "524288", MALLOC_TRIM_THRESHOLD_: "524288" };

// ---- child processes (IPC: the sandbox hands over its held webhooks; replicas and floor report CPU and ops) ----

function forkChild(script: string, env: Record<string, string>): ChildProcess {
  return fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    cwd: repoRoot,
    execArgv: ["--import", "tsx"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(process.env.BENCH_CPU_PROFILE ? { BENCH_CPU_PROFILE: process.env.BENCH_CPU_PROFILE } : {}),
      ...startEnv,
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

/** The next IPC message of `type` from `child` (rejects if it exits first, or after `timeoutMs`). */
function nextMessage<T extends { type: string }>(child: ChildProcess, type: T["type"], timeoutMs = 120_000) {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "${type}" from pid ${child.pid} in ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (message: T) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`pid ${child.pid} exited (${code}) before "${type}"`));
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    child.on("message", onMessage);
    child.once("exit", onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.send({ type: "stop" });
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  await exited;
  clearTimeout(timer);
}

type Report = Extract<FromChild, { type: "report" }>;

interface Measured {
  readonly child: ChildProcess;
  readonly url: string;
}

async function startMeasured(script: string, env: Record<string, string>): Promise<Measured> {
  const child = forkChild(script, env);
  children.push(child);
  const up = await nextMessage<Extract<FromChild, { type: "up" }>>(child, "up");
  return { child, url: up.url };
}

async function markAll(processes: readonly Measured[]): Promise<void> {
  await Promise.all(
    processes.map((p) => {
      const marked = nextMessage(p.child, "marked");
      p.child.send({ type: "mark" });
      return marked;
    }),
  );
}

/** The processes' reports summed: CPU ms, operations by kind and by area. */
async function reportAll(processes: readonly Measured[]) {
  const reports = await Promise.all(
    processes.map((p) => {
      const report = nextMessage<Report>(p.child, "report");
      p.child.send({ type: "report" });
      return report;
    }),
  );
  const sum = (records: (Record<string, number> | undefined)[]) => {
    const total: Record<string, number> = {};
    for (const r of records) for (const [k, n] of Object.entries(r ?? {})) total[k] = (total[k] ?? 0) + n;
    return total;
  };
  return {
    cpuMs: reports.reduce((a, r) => a + r.cpuMs, 0),
    ops: reports.some((r) => r.ops !== undefined) ? (sum(reports.map((r) => r.ops)) as OpCounts) : undefined,
    byArea: sum(reports.map((r) => r.byArea)),
    trips: reports.some((r) => r.trips !== undefined) ? reports.reduce((a, r) => a + (r.trips ?? 0), 0) : undefined,
  };
}

const children: ChildProcess[] = [];
const cleanups: (() => Promise<void>)[] = [];
let exiting = false;
async function cleanUp(): Promise<void> {
  if (exiting) return;
  exiting = true;
  for (const child of children.reverse()) await stopChild(child).catch(() => child.kill("SIGKILL"));
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
}
process.once("SIGINT", () => void cleanUp().finally(() => process.exit(130)));
process.once("SIGTERM", () => void cleanUp().finally(() => process.exit(143)));
const maxMinutes = Number(flags["max-minutes"]);
setTimeout(
  () => {
    process.stderr.write(`bench:webhooks: over ${maxMinutes} min, stopped\n`);
    void cleanUp().finally(() => process.exit(1));
  },
  (maxMinutes > 0 ? maxMinutes : 20) * 60_000,
).unref();

// ---- the chat peer: who received which PAID message, when ----

const peer = await startTelegramPeer();
cleanups.push(() => peer.stop());
const redisMeter = await redisTrafficMeter(redisUrl);
cleanups.push(async () => {
  await redisMeter.close();
});
/** What a webhook waits for in its chat: the first sign of PAID (card edit or message), then the PAID message. */
interface PaidWaiter {
  shown?: (at: number) => void;
  message?: (at: number) => void;
}
const waiters = new Map<number, PaidWaiter>();
/** Every bot message (not edit) the peer received: the whole run's PAID messages are counted from these. */
const botMessages: { chatId: number; text: string }[] = [];
const cardWaiters = new Map<number, (entry: { messageId: number; text: string; buttons: string[] }) => void>();
peer.state.on("transcript", () => {
  const entry = peer.state.transcript.at(-1) as TranscriptEntry | undefined;
  if (entry?.side !== "bot" || (entry.kind !== "message" && entry.kind !== "edit")) return;
  const at = performance.now();
  const message = entry.kind === "message" && isPaidMessage(entry.text);
  if (entry.kind === "message") botMessages.push({ chatId: entry.chatId, text: entry.text });
  const waiter = waiters.get(entry.chatId);
  if (waiter !== undefined && (message || isPaidShown(entry.text))) {
    waiter.shown?.(at);
    waiter.shown = undefined;
    if (message) {
      waiter.message?.(at);
      waiters.delete(entry.chatId);
    }
  }
  cardWaiters.get(entry.chatId)?.({
    messageId: entry.messageId,
    text: entry.text,
    buttons: entry.buttons.flat().map((b) => b.text),
  });
});

/**
 * Resolves `shown` with the moment `chat` first shows the payment as paid (the card edited to "Pagato ✅" or the
 * PAID message, whichever comes first), `message` with the moment it receives the PAID message; either with
 * undefined after WAIT_MS.
 */
function paidIn(chat: number): { shown: Promise<number | undefined>; message: Promise<number | undefined> } {
  const waiter: PaidWaiter = {};
  const bounded = (set: (resolve: (at: number | undefined) => void) => void) =>
    new Promise<number | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), WAIT_MS);
      set((at) => {
        clearTimeout(timer);
        resolve(at);
      });
    });
  const shown = bounded((resolve) => {
    waiter.shown = resolve;
  });
  const message = bounded((resolve) => {
    waiter.message = resolve;
  });
  waiters.set(chat, waiter);
  void message.then(() => {
    if (waiters.get(chat) === waiter) waiters.delete(chat);
  });
  return { shown, message };
}

/** Resolves with the first bot message or edit in `chat` that passes `test`. */
const botShows = (chat: number, test: (text: string, buttons: string[]) => boolean, timeoutMs = 60_000) =>
  new Promise<{ messageId: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      cardWaiters.delete(chat);
      reject(new Error(`chat ${chat}: nothing matched in ${timeoutMs} ms\n${peer.printTranscript(chat)}`));
    }, timeoutMs);
    cardWaiters.set(chat, (entry) => {
      if (!test(entry.text, entry.buttons)) return;
      clearTimeout(timer);
      cardWaiters.delete(chat);
      resolve({ messageId: entry.messageId });
    });
  });

async function eachLimited(total: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

// ---- the webhooks' sender: node:http with kept-alive connections (fetch costs the driver more CPU per call) ----

const agent = new Agent({ keepAlive: true, maxSockets: 256 });
function post(delivery: Held): Promise<{ status: number; retryAfterS: number }> {
  return new Promise((resolve, reject) => {
    const req = request(delivery.url, { method: "POST", headers: delivery.headers, agent }, (res) => {
      res.resume();
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, retryAfterS: Number(res.headers["retry-after"] ?? "0.1") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(delivery.body);
  });
}

let reposted = 0;
/** POSTs until the answer is neither 429 nor 503 (after its Retry-After), as DropPay retries. */
async function deliver(delivery: Held): Promise<void> {
  for (;;) {
    const { status, retryAfterS } = await post(delivery);
    if (status !== 429 && status !== 503) return;
    reposted++;
    await new Promise((r) => setTimeout(r, retryAfterS * 1000));
  }
}

// ---- the DropPay sandbox, in its own process ----

const sandboxChild = forkChild("webhooks/sandbox-process.ts", {});
children.push(sandboxChild);
const sandbox = await nextMessage<Extract<FromSandbox, { type: "up" }>>(sandboxChild, "up");

/** Collects the held PAID webhooks until `expected` are in (or 60 s passed). */
async function takeHeld(expected: number): Promise<Held[]> {
  const held: Held[] = [];
  const deadline = Date.now() + 60_000;
  while (held.length < expected && Date.now() < deadline) {
    const answer = nextMessage<Extract<FromSandbox, { type: "held" }>>(sandboxChild, "held");
    sandboxChild.send({ type: "take" });
    held.push(...(await answer).deliveries);
    if (held.length < expected) await new Promise((r) => setTimeout(r, 100));
  }
  return held;
}

const noticeOf = (d: Held) => String((JSON.parse(d.body) as { codice_avviso?: string }).codice_avviso).slice(-18);

// ---- phases ----

interface Phase {
  readonly name: string;
  readonly sent: number;
  /** Webhooks whose chat showed the payment as paid (card edit or PAID message) within WAIT_MS. */
  readonly shown: number;
  /** Webhooks whose chat received the PAID message within WAIT_MS. */
  readonly messages: number;
  /** Shown per second over the phase. */
  readonly perSecond: number;
  readonly shownP50: number;
  readonly shownP99: number;
  readonly messageP50: number;
  readonly messageP99: number;
  readonly cpuMsPerWebhook: number;
  readonly opsPerWebhook?: number;
  readonly tripsPerWebhook?: number;
  readonly ops?: OpCounts;
  readonly byArea?: Record<string, number>;
  /** What Redis counted over the phase (all its clients), per webhook. */
  readonly redis: RedisTraffic;
}

const sortedOf = (values: number[]) => [...values].sort((a, b) => a - b);

/** Latencies from each webhook's start to its chat's first PAID sign and to its PAID message. */
interface Latencies {
  readonly shown: number[];
  readonly message: number[];
}

function phaseFigures(
  name: string,
  deliveries: readonly Held[],
  latencies: Latencies,
  elapsedMs: number,
  report: Awaited<ReturnType<typeof reportAll>>,
  redis: RedisTraffic,
): Phase {
  const shown = sortedOf(latencies.shown);
  const message = sortedOf(latencies.message);
  const perWebhook = (n: number) => n / Math.max(1, deliveries.length);
  const total = report.ops === undefined ? undefined : Object.values(report.ops).reduce((a, b) => a + b, 0);
  return {
    name,
    sent: deliveries.length,
    shown: shown.length,
    messages: message.length,
    perSecond: (shown.length / elapsedMs) * 1000,
    shownP50: percentile(shown, 50),
    shownP99: percentile(shown, 99),
    messageP50: percentile(message, 50),
    messageP99: percentile(message, 99),
    cpuMsPerWebhook: perWebhook(report.cpuMs),
    ...(total === undefined ? {} : { opsPerWebhook: perWebhook(total) }),
    ...(report.ops === undefined ? {} : { ops: report.ops }),
    ...(report.trips === undefined ? {} : { tripsPerWebhook: perWebhook(report.trips) }),
    byArea: report.byArea,
    redis: {
      reads: perWebhook(redis.reads),
      commands: perWebhook(redis.commands),
      inBytes: perWebhook(redis.inBytes),
      outBytes: perWebhook(redis.outBytes),
    },
  };
}

/**
 * IN_FLIGHT at a time: a webhook holds its place from its POST until its chat shows the payment as paid (the
 * card edit or the PAID message, whichever is first). Not until the PAID message: pagobot paces each chat's
 * deliveries (Telegram's per-chat guidance: a burst of two, then a second apart), so a chat that had its burst
 * waits, and a loop waiting for the message would measure that pacing, not pagobot. Its latency is still taken, and the phase
 * ends once every message is in (or WAIT_MS passed); the rate is over the time to the last first sign.
 */
async function closedLoop(
  name: string,
  measured: readonly Measured[],
  deliveries: readonly Held[],
  chatOf: (d: Held) => number,
): Promise<Phase> {
  await markAll(measured);
  const redisBefore = await redisMeter.snapshot();
  const latencies: Latencies = { shown: [], message: [] };
  const messages: Promise<void>[] = [];
  const started = performance.now();
  let lastShown = started;
  await eachLimited(deliveries.length, IN_FLIGHT, async (i) => {
    const delivery = deliveries[i] as Held;
    const sentAt = performance.now();
    const paid = paidIn(chatOf(delivery));
    messages.push(
      paid.message.then((at) => {
        if (at !== undefined) latencies.message.push(at - sentAt);
      }),
    );
    await deliver(delivery);
    const at = await paid.shown;
    if (at !== undefined) {
      latencies.shown.push(at - sentAt);
      lastShown = Math.max(lastShown, at);
    }
  });
  await Promise.all(messages);
  const redis = await redisMeter.since(redisBefore);
  return phaseFigures(name, deliveries, latencies, lastShown - started, await reportAll(measured), redis);
}

/** Open loop at `rate` per second: each from its scheduled moment (a late sender counts against it too). */
async function fixedRate(
  name: string,
  measured: readonly Measured[],
  deliveries: readonly Held[],
  chatOf: (d: Held) => number,
): Promise<Phase & { sendLagP99: number }> {
  await markAll(measured);
  const redisBefore = await redisMeter.snapshot();
  const latencies: Latencies = { shown: [], message: [] };
  const lags: number[] = [];
  const pending: Promise<unknown>[] = [];
  const started = performance.now();
  let lastShown = started;
  let next = 0;
  while (next < deliveries.length) {
    const now = performance.now();
    while (next < deliveries.length && started + (next * 1000) / rate <= now) {
      const due = started + (next * 1000) / rate;
      const delivery = deliveries[next++] as Held;
      lags.push(now - due);
      const paid = paidIn(chatOf(delivery));
      pending.push(
        deliver(delivery),
        paid.shown.then((at) => {
          if (at === undefined) return;
          latencies.shown.push(at - due);
          lastShown = Math.max(lastShown, at);
        }),
        paid.message.then((at) => {
          if (at !== undefined) latencies.message.push(at - due);
        }),
      );
    }
    await new Promise((r) => setImmediate(r));
    if (performance.now() - now < 0.5) await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(pending);
  const redis = await redisMeter.since(redisBefore);
  return {
    ...phaseFigures(name, deliveries, latencies, lastShown - started, await reportAll(measured), redis),
    sendLagP99: percentile(sortedOf(lags), 99),
  };
}

// ---- the floor ----

async function runFloor(first: number): Promise<Phase> {
  const namespace = `bench-webhooks-floor-${randomBytes(4).toString("hex")}`;
  const authKey = randomBytes(32);
  const floor = await startMeasured("webhooks/floor.ts", {
    BENCH_AUTH_KEY: authKey.toString("base64url"),
    BENCH_SANDBOX_URL: sandbox.url,
    BENCH_ACCESS_TOKEN: sandbox.accessToken,
    BENCH_BOT_API: `${peer.apiRoot}bot${peer.token}`,
    BENCH_REDIS_URL: redisUrl,
    BENCH_NAMESPACE: namespace,
  });
  cleanups.push(() => clearNamespace(namespace));
  const client = createDropPayClient({ baseUrl: sandbox.url, logger: silentLogger });
  const tokens = staticTokenSource(sandbox.accessToken);
  const chats = new Map<string, number>();
  await eachLimited(loopCount, SETUP_PARALLEL, async (i) => {
    const chat = peer.privateChat({ first_name: `Floor${first + i}` });
    const number = noticeNumber(first + i);
    const hook = new URL(`/droppay/hook/payment/${number}`, floor.url);
    hook.username = number;
    hook.password = floorPassword(authKey, number);
    const form = await client.createForm(tokens, {
      noticeNumber: number,
      fiscalCode: ordinaryPayee,
      description: `chat:${chat.id}`,
      webhookUrl: hook.toString(),
    });
    await client.updateForm(tokens, form.id, { status: "READY" });
    await client.executeForm(tokens, form.id);
    chats.set(number, chat.id);
  });
  const held = await takeHeld(chats.size);
  const chatOf = (d: Held) => chats.get(noticeOf(d)) ?? 0;
  await closedLoop("floor, warm-up", [floor], held.slice(0, warmCount), chatOf);
  const figures = await closedLoop("floor, closed loop", [floor], held.slice(warmCount), chatOf);
  await stopChild(floor.child);
  return figures;
}

async function clearNamespace(namespace: string): Promise<void> {
  const kv = createRedisKv(redisUrl);
  for (const key of await kv.keys(`${namespace}:`)) await kv.delete(key);
  await kv.close();
}

// ---- pagobot ----

async function startReplicas(): Promise<{ replicas: Measured[]; updates: TelegramFanout; namespace: string }> {
  const namespace = `bench-webhooks-${randomBytes(4).toString("hex")}`;
  const dir = mkdtempSync(join(tmpdir(), "pagobot-bench-webhooks-"));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  if (storeKind === "redis") cleanups.push(() => clearNamespace(namespace));
  const ports = storeKind === "redis" ? [await freePort(), await freePort()] : [await freePort()];
  const secret = `bench_${randomBytes(8).toString("hex")}`;
  const hooks = ports.map((port) => `http://127.0.0.1:${port}/telegram/hook`);
  // The people's updates, each to the next replica in turn, up to 40 at once (bench/shared/telegram-fanout.ts).
  const updates = fanOutUpdates(peer, hooks, secret);
  cleanups.push(async () => updates.stop());
  const keys = generateSecretKey("bench");
  const replicas = await Promise.all(
    ports.map((port) =>
      startMeasured("webhooks/replica.ts", {
        STORE_URL: storeKind === "redis" ? redisUrl : `sqlite://${join(dir, "pagobot.sqlite")}`,
        SECRET_KEYS: keys,
        TELEGRAM_BOT_TOKEN: peer.token,
        TELEGRAM_API_ROOT: peer.apiRoot,
        // Webhook mode; what the peer records is not used (the fan-out posts the updates).
        TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`,
        TELEGRAM_WEBHOOK_SECRET: secret,
        // Each form's webhook names the replica that made it.
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        PORT: String(port),
        HOST: "127.0.0.1",
        PLAYGROUND: "off",
        LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
        BENCH_SANDBOX_URL: sandbox.url,
        BENCH_NAMESPACE: namespace,
        BENCH_COUNT_OPS: "1",
      }),
    ),
  );
  return { replicas, updates, namespace };
}

/** Puts `count` payments in chats through pagobot (text → card → Paga → "In corso"): chat id by notice number. */
async function payThroughPagobot(first: number): Promise<Map<string, number>> {
  const chats = new Map<string, number>();
  await eachLimited(count, SETUP_PARALLEL, async (i) => {
    const chat: PeerChat = peer.privateChat({ first_name: `Bench${first + i}` });
    const number = noticeNumber(first + i);
    const card = botShows(chat.id, (_, buttons) => buttons.some((b) => b.startsWith("Paga")));
    chat.sendText(`${number} ${ordinaryPayee}`);
    const { messageId } = await card;
    const running = botShows(chat.id, (text) => text.includes("In corso") || text.includes("Pagato"));
    chat.press(messageId, "Paga");
    await running;
    chats.set(number, chat.id);
  });
  return chats;
}

const fmt = (n: number | undefined, digits = 1) => (n === undefined || Number.isNaN(n) ? "-" : n.toFixed(digits));
const seconds = () => `${((Date.now() - runStarted) / 1000).toFixed(0)} s`;
const say = (line: string) => process.stdout.write(`${line}\n`);

let lastLine = "";
try {
  const base = 1_000_000 + Math.floor(Math.random() * 1000) * 10_000;
  const phases: Phase[] = [];
  say(
    `bench:webhooks: ${count} forms (${loopCount} closed loop, the first ${warmCount} a warm-up not measured; ` +
      `${rateCount} at ${rate}/s), store ${storeKind}` +
      (storeKind === "redis" ? " (two replicas)" : " (one process)"),
  );
  if (!flags["no-floor"]) {
    phases.push(await runFloor(base));
    say(`[${seconds()}] floor done`);
  }
  const { replicas, updates } = await startReplicas();
  const chats = await payThroughPagobot(base + 500_000);
  say(
    `[${seconds()}] ${chats.size} payments RUNNING through pagobot (Telegram updates by replica: ${[...updates.served.values()].join(" / ")})`,
  );
  const held = await takeHeld(chats.size);
  // A chat that already shows the payment as paid was told before its webhook: not a fresh webhook, left out.
  const early = new Set<number>();
  for (const entry of peer.state.transcript)
    if (entry.side === "bot" && (entry.kind === "message" || entry.kind === "edit") && isPaidShown(entry.text))
      early.add(entry.chatId);
  const chatOf = (d: Held) => chats.get(noticeOf(d)) ?? 0;
  const fresh = held.filter((d) => chats.has(noticeOf(d)) && !early.has(chatOf(d)));
  const byReplica = new Map<string, number>();
  for (const d of fresh) byReplica.set(new URL(d.url).port, (byReplica.get(new URL(d.url).port) ?? 0) + 1);
  const loopPart = fresh.slice(0, Math.max(0, fresh.length - rateCount));
  const ratePart = fresh.slice(loopPart.length);
  await closedLoop("pagobot, warm-up", replicas, loopPart.slice(0, warmCount), chatOf);
  say(`[${seconds()}] warm-up done (${warmCount} webhooks, not measured)`);
  const loop = await closedLoop(
    `pagobot ${storeKind}, closed loop ${IN_FLIGHT}`,
    replicas,
    loopPart.slice(warmCount),
    chatOf,
  );
  phases.push(loop);
  say(`[${seconds()}] closed loop done`);
  const fixed = await fixedRate(`pagobot ${storeKind}, ${rate}/s`, replicas, ratePart, chatOf);
  phases.push(fixed);
  say(`[${seconds()}] fixed rate done`);
  // Lost and doubled over the whole run: every form's chat, after a pause for late (or second) copies.
  const settleUntil = Date.now() + 10_000;
  const heldNotices = new Set(held.map(noticeOf));
  while (Date.now() < settleUntil && tallyPaid(chats, botMessages).lost > chats.size - heldNotices.size)
    await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 2_000));
  // Counted over the forms whose PAID webhook the sandbox sent (and the bench replayed, or pagobot announced before
  // it); a form the sandbox never sent one for within takeHeld's minute is reported apart, with its chat.
  const replayed = new Map([...chats].filter(([notice]) => heldNotices.has(notice)));
  const tally = tallyPaid(replayed, botMessages);
  const unsent = [...chats].filter(([notice]) => !heldNotices.has(notice));

  say("");
  const columns = [
    ["phase", 30],
    ["webhooks", 8],
    ["shown", 6],
    ["msgs", 6],
    ["shown/s", 7],
    ["shown p50", 9],
    ["shown p99", 9],
    ["msg p50", 8],
    ["msg p99", 8],
    ["CPU ms/wh", 9],
    ["ops/wh", 6],
  ] as const;
  const row = (cells: string[]) =>
    say(cells.map((c, i) => (i === 0 ? c.padEnd(columns[0][1]) : c.padStart(columns[i]?.[1] ?? 0))).join(" "));
  row(columns.map(([name]) => name));
  for (const p of phases) {
    row([
      p.name,
      String(p.sent),
      String(p.shown),
      String(p.messages),
      fmt(p.perSecond, 0),
      fmt(p.shownP50),
      fmt(p.shownP99),
      fmt(p.messageP50),
      fmt(p.messageP99),
      fmt(p.cpuMsPerWebhook, 2),
      fmt(p.opsPerWebhook),
    ]);
  }
  say(
    "(shown: the chat's first sign of PAID, the card edit or the PAID message; msg: the PAID message, which pagobot " +
      "sends with the card edit in a burst of two, then paces each chat a second apart; ms from the webhook's POST, at the fixed rate from " +
      "its scheduled moment; CPU and store ops summed over the pagobot processes, per webhook)",
  );
  const floor = phases.find((p) => p.name.startsWith("floor"));
  say("");
  if (floor !== undefined) say(`closed loop vs floor: ${(loop.perSecond / floor.perSecond).toFixed(2)}x`);
  say(
    `fixed rate: sender lag p99 ${fmt(fixed.sendLagP99)} ms (how late the driver posted); ${fmt(fixed.perSecond, 0)} shown/s over the phase`,
  );
  if (loop.ops !== undefined) {
    const per = (n: number) => (n / Math.max(1, loop.sent)).toFixed(2);
    for (const phase of [loop, fixed]) {
      if (phase.tripsPerWebhook === undefined) continue;
      say(
        `store round trips per webhook (${phase.name}): ${phase.tripsPerWebhook.toFixed(2)} ` +
          "(calls made in one event-loop turn reach the store together and count once)",
      );
    }
    say(
      `store ops per webhook (closed loop, all replicas): ${Object.entries(loop.ops)
        .filter(([, n]) => n > 0)
        .map(([op, n]) => `${op} ${per(n)}`)
        .join(", ")}`,
    );
    say(
      `  by area: ${Object.entries(loop.byArea ?? {})
        .sort((a, b) => b[1] - a[1])
        .map(([area, n]) => `${area} ${per(n)}`)
        .join(", ")}`,
    );
  }
  for (const phase of phases.filter((p) => p.redis.commands > 0))
    say(
      `Redis per webhook (${phase.name}): ${phase.redis.reads.toFixed(2)} client writes, ` +
        `${phase.redis.commands.toFixed(1)} commands, ${fmt(phase.redis.inBytes, 0)} B in, ` +
        `${fmt(phase.redis.outBytes, 0)} B out`,
    );
  say(
    `webhooks by replica port: ${[...byReplica].map(([port, n]) => `${port}: ${n}`).join(", ")}; ` +
      `announced before their webhook: ${held.length - fresh.length}; re-posted after 429/503: ${reposted}`,
  );
  if (unsent.length > 0) {
    // What the sandbox holds for them (its admin listing): their forms' statuses, by notice.
    const listing = (await (await fetch(`${sandbox.url}/sandbox/v1/forms`)).json()) as {
      forms: { status: string; codice_avviso?: string }[];
    };
    const statuses = new Map<string, number>();
    for (const [notice] of unsent) {
      const forms = listing.forms.filter((f) => f.codice_avviso?.endsWith(notice));
      const key = forms.length === 0 ? "no form" : forms.map((f) => f.status).join("+");
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
    }
    const [notice, chat] = unsent[0] as [string, number];
    say(
      `${unsent.length} form(s) got no PAID webhook from the sandbox within a minute (not counted below); ` +
        `their forms at the sandbox: ${[...statuses].map(([k, n]) => `${k} ${n}`).join(", ")}; ` +
        `the first, ${notice}, its chat's last lines:\n${peer.printTranscript(chat).split("\n").slice(-12).join("\n")}`,
    );
  }
  say(
    `lost ${tally.lost}${tally.lostExamples.length > 0 ? ` (e.g. ${tally.lostExamples.join(", ")})` : ""}, doubled ${tally.doubled}, over ${replayed.size} forms; run ${seconds()}`,
  );
  lastLine = `webhooks_per_s=${Math.round(loop.perSecond)} p50_ms=${fmt(fixed.messageP50)} p99_ms=${fmt(fixed.messageP99)} lost=${tally.lost} doubled=${tally.doubled}`;
} finally {
  await cleanUp();
}
// Last, after every process has stopped (nothing of theirs can print after it).
say(lastLine);
