// Measures what one fresh PAID webhook costs pagobot, against a floor: DropPay's PAID webhooks (signed and sent
// by the sandbox as droppay-api.md says, held back, then replayed) posted at one process, 32 in flight, until the
// chat peer (the local Telegram Bot API) shows the payment as paid. A webhook is in flight from its POST until
// its chat shows "Pagato"; a 429/503 answer is posted again after its Retry-After, as DropPay retries non-2xx.
// Columns, each a process of its own, set up with `count` payments RUNNING (one chat each) then measured:
//   floor   a bare listener: auth, form GET, Redis SET NX, chat POST (bench/webhooks/floor.ts)
//   redis   pagobot as `npm start` builds it, on Redis (REDIS_URL, default redis://127.0.0.1:6379)
//   sqlite  the same on an SQLite file
// Prints webhooks/s, webhook→PAID message p50/p99, store operations per webhook (the store wrapped and counted)
// and CPU ms per webhook (the measured process's own).
//   npm run bench:webhooks -- [count=2000] [columns=floor,redis,sqlite]
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createDropPayClient, staticTokenSource } from "../src/droppay/index.ts";
import { startSandbox } from "../src/droppay/sandbox/index.ts";
import { silentLogger } from "../src/log/logger.ts";
import { generateSecretKey } from "../src/store/crypto.ts";
import { createRedisKv } from "../src/store/redis-kv.ts";
import { noticeNumber, ordinaryPayee } from "../test/helpers/notices.ts";
import { type PeerChat, startTelegramPeer, type TranscriptEntry } from "../test/peers/telegram/peer.ts";
import type { OpCounts } from "./webhooks/counting-kv.ts";
import { type FromChild, floorPassword } from "./webhooks/protocol.ts";

type Column = "floor" | "redis" | "sqlite";
const count = Number(process.argv[2] ?? 2000);
const columns = (process.argv[3] ?? "floor,redis,sqlite").split(",") as Column[];
const IN_FLIGHT = 32;
/** Payments set up at once (each in its own chat: Telegram's per-chat pacing is not what is measured). */
const SETUP_PARALLEL = 64;
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

interface Held {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

// The PSP: its PAID webhooks are held back (answered 204 here, as if delivered) for the replay. The others are
// dropped: pagobot knows DRAFT, READY and RUNNING from its own calls' answers, and a RUNNING webhook delivered
// late (the setup keeps this process busy) would find the form PAID and announce it before the replay.
let held: Held[] = [];
const sandbox = await startSandbox({
  fetch: async (url, init) => {
    const body = String(init.body);
    if ((JSON.parse(body) as { status?: string }).status === "PAID") {
      held.push({ url, headers: init.headers as Record<string, string>, body });
    }
    return new Response(null, { status: 204 });
  },
});
const peer = await startTelegramPeer();

/** Bot messages by chat, as they reach the peer. */
const listeners = new Map<number, (entry: Extract<TranscriptEntry, { kind: "message" | "edit" }>) => void>();
peer.state.on("transcript", () => {
  const entry = peer.state.transcript.at(-1);
  if (entry?.side === "bot" && (entry.kind === "message" || entry.kind === "edit"))
    listeners.get(entry.chatId)?.(entry);
});
const botShows = (chat: number, test: (text: string, buttons: string[]) => boolean, timeoutMs = 60_000) =>
  new Promise<{ messageId: number; at: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      listeners.delete(chat);
      reject(new Error(`chat ${chat}: nothing matched in ${timeoutMs} ms\n${peer.printTranscript(chat)}`));
    }, timeoutMs);
    listeners.set(chat, (entry) => {
      if (
        !test(
          entry.text,
          entry.buttons.flat().map((b) => b.text),
        )
      )
        return;
      clearTimeout(timer);
      listeners.delete(chat);
      resolve({ messageId: entry.messageId, at: performance.now() });
    });
  });
const isPaid = (text: string) => text.includes("Pagato");

async function eachLimited(total: number, limit: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < total) await work(next++);
    }),
  );
}

interface Child {
  readonly url: string;
  ask(message: "mark"): Promise<void>;
  ask(message: "report"): Promise<{ cpuMs: number; ops?: OpCounts; byArea?: Record<string, number> }>;
  stop(): Promise<void>;
}

async function startChild(script: string, env: Record<string, string>): Promise<Child> {
  const child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...(process.env.BENCH_CPU_PROFILE ? { BENCH_CPU_PROFILE: process.env.BENCH_CPU_PROFILE } : {}),
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const next = (type: FromChild["type"]) =>
    new Promise<FromChild>((resolve, reject) => {
      const onMessage = (message: FromChild) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        child.off("exit", onExit);
        resolve(message);
      };
      const onExit = (code: number | null) => reject(new Error(`${script} exited (${code})`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const up = await next("up");
  return {
    url: up.type === "up" ? up.url : "",
    // biome-ignore lint/suspicious/noExplicitAny: one overloaded implementation for two answers
    ask: (async (message: "mark" | "report"): Promise<any> => {
      const answer = next(message === "mark" ? "marked" : "report");
      child.send({ type: message });
      return answer;
    }) as Child["ask"],
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.send({ type: "stop" });
      await exited;
    },
  };
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
    const running = botShows(chat.id, (text) => text.includes("In corso") || isPaid(text));
    chat.press(messageId, "Paga");
    await running;
    chats.set(number, chat.id);
  });
  return chats;
}

/** The floor's payments: forms made and executed straight at the sandbox, webhooks to the floor. */
async function payAtSandbox(first: number, floorUrl: string, authKey: Buffer, token: string) {
  const client = createDropPayClient({ baseUrl: sandbox.url, logger: silentLogger });
  const tokens = staticTokenSource(token);
  const chats = new Map<string, number>();
  await eachLimited(count, SETUP_PARALLEL, async (i) => {
    const chat = peer.privateChat({ first_name: `Floor${first + i}` });
    const number = noticeNumber(first + i);
    const hook = new URL(`/droppay/hook/payment/${number}`, floorUrl);
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
  return chats;
}

interface Figures {
  readonly fresh: number;
  readonly early: number;
  readonly lost: number;
  readonly retried: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly opsPerWebhook: number | null;
  readonly ops?: OpCounts;
  readonly byArea?: Record<string, number>;
  readonly cpuMsPerWebhook: number;
  /** This process's (sandbox, chat peer, replay): when it is near 1000 / rate, the driver limits the rate. */
  readonly driverCpuMsPerWebhook: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Waits for every PAID webhook to be held, then replays them at `child`, IN_FLIGHT at a time. */
async function replay(child: Child, chats: Map<string, number>): Promise<Figures> {
  const deadline = Date.now() + 60_000;
  while (held.length < chats.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const deliveries = held.splice(0);
  held = [];
  // A chat that already shows "Pagato" was told before its webhook (a RUNNING webhook's read that found it
  // PAID): not a fresh webhook, left out.
  const shownEarly = new Set<number>();
  for (const entry of peer.state.transcript)
    if (entry.side === "bot" && (entry.kind === "message" || entry.kind === "edit") && isPaid(entry.text))
      shownEarly.add(entry.chatId);
  const chatOf = (d: Held) =>
    chats.get(String((JSON.parse(d.body) as { codice_avviso?: string }).codice_avviso).slice(-18));
  const fresh = deliveries.filter((d) => {
    const chat = chatOf(d);
    return chat !== undefined && !shownEarly.has(chat);
  });
  await child.ask("mark");
  const driverCpu = process.cpuUsage();
  const latencies: number[] = [];
  let lost = 0;
  let retried = 0;
  const started = performance.now();
  await eachLimited(fresh.length, IN_FLIGHT, async (i) => {
    const delivery = fresh[i] as Held;
    const chat = chatOf(delivery) as number;
    const sentAt = performance.now();
    const shown = botShows(chat, isPaid, 30_000);
    for (;;) {
      const response = await fetch(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.body });
      await response.arrayBuffer();
      if (response.status !== 429 && response.status !== 503) break;
      retried++;
      await new Promise((r) => setTimeout(r, Number(response.headers.get("retry-after") ?? "0.1") * 1000));
    }
    try {
      latencies.push((await shown).at - sentAt);
    } catch {
      lost++;
    }
  });
  const elapsed = performance.now() - started;
  const driverUsed = process.cpuUsage(driverCpu);
  const report = await child.ask("report");
  const sorted = latencies.sort((a, b) => a - b);
  const total = report.ops === undefined ? null : Object.values(report.ops).reduce((a, b) => a + b, 0);
  return {
    fresh: fresh.length,
    early: deliveries.length - fresh.length,
    lost,
    retried,
    perSecond: (latencies.length / elapsed) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    opsPerWebhook: total === null ? null : total / fresh.length,
    ...(report.ops === undefined ? {} : { ops: report.ops }),
    ...(report.byArea === undefined ? {} : { byArea: report.byArea }),
    cpuMsPerWebhook: report.cpuMs / fresh.length,
    driverCpuMsPerWebhook: (driverUsed.user + driverUsed.system) / 1000 / fresh.length,
  };
}

async function clearNamespace(namespace: string): Promise<void> {
  const kv = createRedisKv(redisUrl);
  for (const key of await kv.keys(`${namespace}:`)) await kv.delete(key);
  await kv.close();
}

async function runColumn(column: Column, first: number): Promise<Figures> {
  const namespace = `bench-webhooks-${randomBytes(4).toString("hex")}`;
  const dir = mkdtempSync(join(tmpdir(), "pagobot-bench-webhooks-"));
  try {
    if (column === "floor") {
      const authKey = randomBytes(32);
      const account = sandbox.admin.createAccount({ balanceCents: 1_000_000_000 });
      const child = await startChild("webhooks/floor.ts", {
        BENCH_AUTH_KEY: authKey.toString("base64url"),
        BENCH_SANDBOX_URL: sandbox.url,
        BENCH_ACCESS_TOKEN: account.accessToken,
        BENCH_BOT_API: `${peer.apiRoot}bot${peer.token}`,
        BENCH_REDIS_URL: redisUrl,
        BENCH_NAMESPACE: namespace,
      });
      const chats = await payAtSandbox(first, child.url, authKey, account.accessToken);
      const figures = await replay(child, chats);
      await child.stop();
      return figures;
    }
    const child = await startChild("webhooks/replica.ts", {
      STORE_URL: column === "redis" ? redisUrl : `sqlite://${join(dir, "pagobot.sqlite")}`,
      SECRET_KEYS: generateSecretKey("bench"),
      TELEGRAM_BOT_TOKEN: peer.token,
      TELEGRAM_API_ROOT: peer.apiRoot,
      PLAYGROUND: "off",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      BENCH_SANDBOX_URL: sandbox.url,
      BENCH_NAMESPACE: namespace,
    });
    const chats = await payThroughPagobot(first);
    const figures = await replay(child, chats);
    await child.stop();
    return figures;
  } finally {
    if (column !== "sqlite") await clearNamespace(namespace);
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<Column, Figures>();
for (const [index, column] of columns.entries()) {
  const figures = await runColumn(column, 1_000_000 * (index + 1) + Math.floor(Math.random() * 1000) * 1000);
  results.set(column, figures);
  const floor = results.get("floor");
  const ratio =
    floor === undefined || column === "floor" ? "" : ` (${(figures.perSecond / floor.perSecond).toFixed(2)}x floor)`;
  const ops =
    figures.ops === undefined
      ? ""
      : `, ${figures.opsPerWebhook?.toFixed(1)} store ops/webhook (${Object.entries(figures.ops)
          .filter(([, n]) => n > 0)
          .map(([op, n]) => `${op} ${(n / figures.fresh).toFixed(1)}`)
          .join(", ")})`;
  console.log(
    `${column.padEnd(6)} ${figures.perSecond.toFixed(0)} fresh PAID webhooks/s at ${IN_FLIGHT} in flight${ratio}; ` +
      `webhook→PAID message p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms; ` +
      `${figures.cpuMsPerWebhook.toFixed(2)} CPU ms/webhook${ops}; ` +
      `driver ${figures.driverCpuMsPerWebhook.toFixed(2)} CPU ms/webhook; ` +
      `${figures.fresh} fresh (${figures.early} announced before, ${figures.lost} lost, ${figures.retried} re-posted after 429/503)`,
  );
  // BENCH_OPS_BY_AREA=1: where those store operations go, per webhook (what the engine would have to change).
  if (process.env.BENCH_OPS_BY_AREA && figures.byArea !== undefined) {
    const parts = Object.entries(figures.byArea).map(([name, n]) => `${name} ${(n / figures.fresh).toFixed(2)}`);
    console.log(`       by area: ${parts.join(", ")}`);
  }
}
await peer.stop();
await sandbox.close();
