import { dirname, join } from "node:path";
import { createSandboxDemoAccounts } from "./app/demo-accounts.ts";
import { createDropPayGateway } from "./app/droppay-gateway.ts";
import { createReminderTicker } from "./app/reminder-ticker.ts";
import { ConfigError } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { createDropPayAuth, createDropPayClient } from "./droppay/index.ts";
import { defaultSandboxApp, type SandboxHandle, type SandboxOptions, startSandbox } from "./droppay/sandbox/index.ts";
import { type Clock, systemClock } from "./engine/clock.ts";
import { defaultTiming, type EngineTiming } from "./engine/context.ts";
import type { DueDateReader } from "./engine/due-date-port.ts";
import { createEngine, type EngineRuntime } from "./engine/engine.ts";
import type { PaymentGateway } from "./engine/gateway-port.ts";
import { newId } from "./engine/ids.ts";
import type { NoticeScanner } from "./engine/scanner-port.ts";
import type { EngineStore } from "./engine/store-port.ts";
import { createFamily } from "./family/family.ts";
import { createHttpServer, type HttpServer } from "./http/server.ts";
import type { StoredEvent } from "./inbox/accepted-event.ts";
import { createInbox, type Inbox } from "./inbox/inbox.ts";
import { createLogger, type Logger } from "./log/logger.ts";
import {
  collectEngineGauges,
  createMetrics,
  instrumentScanner,
  type Metrics,
  mountOps,
  timeWebhooks,
} from "./ops/index.ts";
import { createScanService } from "./scan-queue/index.ts";
import { createCipher } from "./store/crypto.ts";
import { createDueCollection } from "./store/due-collection.ts";
import { createEngineStore } from "./store/engine-store.ts";
import { areas } from "./store/keys.ts";
import type { AtomicKv } from "./store/kv.ts";
import { createCredentialVault } from "./store/links.ts";
import { describeStoreUrl, openKv } from "./store/open-kv.ts";
import { loadSecretKeys } from "./store/secret-keys.ts";
import { createWebhookCredentials, createWebhookUrls } from "./webhooks/credentials.ts";
import { mountWebhookListener } from "./webhooks/listener.ts";
import { createReconciler, type Reconciler } from "./webhooks/reconciler.ts";

/** What tests (and tools) may put in place of the defaults; production passes none. */
export interface AppOverrides {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** An already open store: two apps over one store are two replicas, or one app restarted. */
  readonly kv?: AtomicKv;
  /** A running sandbox to use instead of starting one (restart tests keep the PSP across app lives). */
  readonly sandbox?: SandboxHandle;
  readonly sandboxOptions?: SandboxOptions;
  readonly scanner?: NoticeScanner;
  /** Scanner worker threads (default SCAN_THREADS). */
  readonly scannerWorkers?: number;
  /**
   * Reads household photos' due dates; by default Tesseract in the scanner's threads (src/scanner, src/ocr) when
   * the scanner is pagobot's own, none when a test injects its scanner (its pictures are stand-ins).
   */
  readonly dueDates?: DueDateReader;
  /** Wraps the DropPay gateway (fault injection in tests: a process that dies mid-flow). */
  readonly wrapGateway?: (gateway: PaymentGateway) => PaymentGateway;
  readonly timing?: Partial<EngineTiming>;
  readonly reconcilerTickMs?: number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** pagobot assembled: adapters register their ChatPort on `engine` and mount their routes on `http`. */
export interface App {
  readonly config: Config;
  readonly logger: Logger;
  /** The engine, its `handle` going through the inbox (texts and files kept until handled). */
  readonly engine: EngineRuntime;
  /** Where adapters register how their files are fetched again after a restart. */
  readonly inbox: Pick<Inbox, "replayFiles">;
  readonly http: HttpServer;
  readonly store: EngineStore;
  readonly kv: AtomicKv;
  readonly reconciler: Reconciler;
  /** Prometheus metrics (served at /metrics); adapters count their platform errors here. */
  readonly metrics: Metrics;
  /** The embedded DropPay sandbox, when DROPPAY_BASE_URL is unset. */
  readonly sandbox?: SandboxHandle;
  /** Listens (PORT; 0 picks a free port), resends what the outbox kept, and re-reads every open form. */
  start(): Promise<{ url: string }>;
  /**
   * Stops the reconciler, lets the engine finish or hand over what it accepted (up to `graceMs`: main.ts
   * passes 10 s on SIGTERM/SIGINT; tests stop at once), then closes the server, the scanner and the store.
   */
  stop(options?: { readonly graceMs?: number }): Promise<void>;
}

/**
 * The composition root: logger → store → DropPay client (the embedded sandbox on a random loopback port when
 * DROPPAY_BASE_URL is unset) → scanner → engine → webhook listener and reconciler, on pagobot's one HTTP server.
 * @example
 * const app = await createApp(loadConfig());
 * app.engine.registerPort(myChatPort);
 * const { url } = await app.start();
 */
export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const logger = overrides.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = overrides.clock ?? systemClock;
  const store = describeStoreUrl(config.STORE_URL);
  if (store.kind === "redis" && config.SECRET_KEYS === undefined) {
    // Replicas must share the key: one generated into a local file would differ on each.
    throw new ConfigError(["SECRET_KEYS is required when STORE_URL is redis:// (every replica needs the same key)"]);
  }
  const dataDir = store.kind === "sqlite" && store.path !== ":memory:" ? dirname(store.path) : null;
  const kv = overrides.kv ?? openKv(config.STORE_URL);
  const cipher = createCipher(loadSecretKeys({ configured: config.SECRET_KEYS, dataDir, logger }));
  const vault = createCredentialVault(kv, cipher);

  let sandbox = overrides.sandbox;
  const ownSandbox = sandbox === undefined && config.DROPPAY_BASE_URL === undefined;
  if (ownSandbox) {
    sandbox = await startSandbox({
      logger,
      clock,
      // Kept beside the store, so that forms the store remembers still exist after a restart.
      ...(dataDir === null ? {} : { dataFile: join(dataDir, "droppay-sandbox.json") }),
      ...overrides.sandboxOptions,
    });
  }
  const baseUrl = config.DROPPAY_BASE_URL ?? sandbox?.url ?? "";
  const appKey = config.DROPPAY_APP_KEY ?? sandbox?.app.key ?? defaultSandboxApp.key;
  const appSecret = config.DROPPAY_APP_SECRET ?? sandbox?.app.secret ?? defaultSandboxApp.secret;
  const client = createDropPayClient({ baseUrl, logger, clock });
  const auth = createDropPayAuth({ baseUrl, appKey, appSecret, logger, clock });
  const demo =
    config.DROPPAY_BASE_URL === undefined && sandbox !== undefined ? createSandboxDemoAccounts(sandbox.url) : null;
  const baseGateway = createDropPayGateway({ client, auth, vault, tokenStore: { kv, cipher }, demo, clock, logger });
  const gateway = overrides.wrapGateway?.(baseGateway) ?? baseGateway;

  const http = createHttpServer(logger);
  http.mount("/healthz", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  });
  let publicUrl = config.PUBLIC_URL ?? "";
  const credentials = createWebhookCredentials(kv);
  const engineStore = createEngineStore(kv);
  const metrics = createMetrics();
  // Ours to close only when we made it. On Redis (a store of our own), photos go through the shared scan queue,
  // which this replica's threads and any `pagobot worker` take from; tests that inject a store scan in process.
  const scanService =
    overrides.scanner === undefined
      ? createScanService({
          redisUrl: store.kind === "redis" && overrides.kv === undefined ? config.STORE_URL : undefined,
          logger,
          workers: overrides.scannerWorkers ?? config.SCAN_THREADS,
        })
      : null;
  const scanner = instrumentScanner(scanService?.scanner ?? (overrides.scanner as NoticeScanner), metrics);
  // Tesseract only with pagobot's own scanner, in its threads (or its queue's workers): loaded on the first
  // household photo, dropped when idle.
  const dueDates = overrides.dueDates ?? scanService?.dueDates;
  const core = createEngine({
    store: engineStore,
    gateway,
    scanner,
    webhooks: createWebhookUrls(credentials, () => publicUrl),
    logger,
    clock,
    defaultLocale: config.DEFAULT_LOCALE,
    // Households in group chats, over the same backend (and so the same atomicity across replicas).
    family: createFamily({ kv, clock, replicaId: newId() }),
    ...(dueDates === undefined ? {} : { dueDates }),
    ...(overrides.timing === undefined ? {} : { timing: overrides.timing }),
    ...(overrides.sleep === undefined ? {} : { sleep: overrides.sleep }),
  });
  const inbox = createInbox({
    accepted: createDueCollection<StoredEvent>(kv, areas.inbox.area, (r) => r.acceptedAt, areas.inbox.ttlMs),
    store: engineStore,
    handle: (event) => core.handle(event),
    clock,
    logger,
  });
  const webhookWaitMs = overrides.timing?.webhookWaitMs ?? defaultTiming.webhookWaitMs;
  /** One re-read the listener's bounded queue awaits (engine.onFormChanged would run it unawaited). */
  const reread = async (kind: "payment" | "link", id: string) => {
    const outcome = await core.refresh({ kind, id }, "webhook");
    // As the engine's own webhook path does (payments.md R3): the create answer is not in yet, so the
    // reconciler looks again shortly.
    if (outcome === "wait") {
      await engineStore.schedule.update(`${kind}:${id}`, (e) => ({ ...e, dueAt: clock.now() + webhookWaitMs }));
    }
  };
  const webhookQueue = mountWebhookListener(timeWebhooks(http, metrics), {
    credentials,
    targets: { rereadPayment: (id) => reread("payment", id), rereadLink: (id) => reread("link", id) },
    logger,
  });
  // Every surface hands its events to the inbox first; the webhook re-reads run outside the engine's own tasks,
  // so its drain waits for them too.
  const engine: EngineRuntime = {
    ...core,
    handle: (event) => inbox.handle(event),
    async drain() {
      do {
        await webhookQueue.idle();
        await core.drain();
      } while (webhookQueue.pending() > 0);
    },
  };
  collectEngineGauges(metrics, engineStore, clock);
  mountOps(http, {
    kv,
    pspUrl: baseUrl,
    metrics,
    ...(config.METRICS_TOKEN === undefined ? {} : { metricsToken: config.METRICS_TOKEN }),
  });
  const reconciler = createReconciler({
    store: engineStore,
    engine,
    clock,
    logger,
    ...(overrides.reconcilerTickMs === undefined ? {} : { tickMs: overrides.reconcilerTickMs }),
  });

  const reminders = createReminderTicker(engine, logger);

  return {
    config,
    logger,
    engine,
    inbox,
    http,
    store: engineStore,
    kv,
    reconciler,
    metrics,
    ...(sandbox === undefined ? {} : { sandbox }),
    async start() {
      const url = await http.listen(config.PORT, config.HOST);
      publicUrl = config.PUBLIC_URL ?? url;
      await engine.start();
      await inbox.start();
      await reconciler.start();
      reminders.start();
      return { url };
    },
    async stop(options = {}) {
      reconciler.stop();
      reminders.stop();
      // Webhook re-reads already accepted get the same grace as the engine's work (the reconciler covers the rest).
      if ((options.graceMs ?? 0) > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          webhookQueue.idle(),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, options.graceMs);
          }),
        ]);
        clearTimeout(timer);
      }
      await engine.stop(options);
      await inbox.stop();
      await http.close();
      await scanService?.close();
      if (ownSandbox) await sandbox?.close();
      if (overrides.kv === undefined) await kv.close();
    },
  };
}
