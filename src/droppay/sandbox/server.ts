import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, silentLogger } from "../../log/logger.ts";
import { connectionToWire } from "../auth/schemas.ts";
import { type Clock, systemClock } from "../clock.ts";
import type { FetchLike } from "../transport.ts";
import { connectionView } from "./accounts.ts";
import { createSandboxAdmin, type SandboxAdmin } from "./admin.ts";
import type { SandboxApp } from "./auth-state.ts";
import { romeDate } from "./dates.ts";
import { resumeSettlements, runDueScheduled } from "./execution.ts";
import { createFaultBoard } from "./faults.ts";
import { formWire } from "./form-view.ts";
import { createRouter } from "./http.ts";
import { pageRoutes } from "./pages.ts";
import { createSandboxRandom } from "./random.ts";
import { adminRoutes } from "./routes-admin.ts";
import { apiRoutes } from "./routes-api.ts";
import { emptyState, loadState, saveState } from "./state.ts";
import { createWebhookDispatcher, type WebhookRetryPolicy } from "./webhooks.ts";
import { defaultTiming, type SandboxTiming, type SandboxWorld } from "./world.ts";

export interface SandboxOptions {
  /** Default 0: a free port chosen by the system (the CLI uses 4010). */
  readonly port?: number;
  /** Default 127.0.0.1: the sandbox has no authentication on its admin API, so it stays on loopback. */
  readonly host?: string;
  /** Dates, token expiry and scheduled payments follow it; settlement delays are real milliseconds. */
  readonly clock?: Clock;
  /** Keep the state in this JSON file (reloaded at start, written after changes). */
  readonly dataFile?: string;
  /** Dispositions wait for the owner's approval on the form's sharing page. */
  readonly secondFactor?: boolean;
  readonly logger?: Logger;
  /** Makes ids, tokens and chaos repeat exactly. */
  readonly seed?: number;
  readonly timing?: Partial<SandboxTiming>;
  /** Applications allowed to ask for tokens; default one, `defaultSandboxApp`. */
  readonly apps?: readonly SandboxApp[];
  readonly webhookRetry?: Partial<WebhookRetryPolicy>;
  /** How often SCHEDULED forms are checked; default 1 000 ms; 0 leaves it to `admin.runScheduled()`. */
  readonly schedulerIntervalMs?: number;
  /** How webhooks are sent; default the global fetch. */
  readonly fetch?: FetchLike;
  /**
   * Host names (or URLs) the admin API and pages answer to besides loopback names: the rest are refused, against
   * DNS rebinding. Add the name a reverse proxy or a container network uses, if any.
   */
  readonly allowedHosts?: readonly string[];
  /** How long a request body may stall before the request is dropped; default 15 s. */
  readonly bodyIdleMs?: number;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** e.g. http://127.0.0.1:4010: DropPay's base URL for the client. */
  readonly url: string;
  /** The application key and secret the sandbox accepts first. */
  readonly app: SandboxApp;
  readonly admin: SandboxAdmin;
  /** Stops listening, cancels timers and deliveries, and writes the data file. */
  close(): Promise<void>;
}

/** The application credentials a default sandbox accepts (they open nothing real). */
export const defaultSandboxApp: SandboxApp = { key: "pagobot-sandbox", secret: "sandbox-secret" };

/**
 * Starts the DropPay sandbox: a real HTTP server on loopback that behaves as droppay-api.md says.
 * @example
 * const sandbox = await startSandbox({ timing: { settleMs: 20 } });
 * const { accessToken } = sandbox.admin.createAccount({ balanceCents: 50_000 });
 * const client = createDropPayClient({ baseUrl: sandbox.url, logger });
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const logger = (options.logger ?? silentLogger).child({ module: "droppay-sandbox" });
  const clock = options.clock ?? systemClock;
  const apps = options.apps ?? [defaultSandboxApp];
  const state = options.dataFile === undefined ? emptyState() : await loadState(options.dataFile, logger);
  const random = createSandboxRandom(options.seed);
  const timers = new Set<NodeJS.Timeout>();
  const listeners = new Set<() => void>();
  const webhooks = createWebhookDispatcher({
    logger,
    random,
    now: () => clock.now() + state.clockOffsetMs,
    fetch: options.fetch,
    retry: options.webhookRetry,
  });

  let saveTimer: NodeJS.Timeout | null = null;
  const save = async () => {
    saveTimer = null;
    if (options.dataFile === undefined) return;
    try {
      await saveState(options.dataFile, state);
    } catch (error) {
      logger.error("could not write the sandbox data file", { error });
    }
  };
  const changed = () => {
    if (options.dataFile !== undefined && saveTimer === null) saveTimer = setTimeout(() => void save(), 100);
    for (const listener of listeners) {
      try {
        listener();
      } catch (error) {
        // A watcher's bug (the playground's panel) must not fail the payment that triggered it.
        logger.error("sandbox change listener failed", { error });
      }
    }
  };

  const world: SandboxWorld = {
    state,
    random,
    timing: { ...defaultTiming, ...options.timing },
    now: () => clock.now() + state.clockOffsetMs,
    today: () => romeDate(world.now()),
    secondFactor: options.secondFactor ?? false,
    baseUrl: "",
    formChanged(form, statusChanged) {
      if (statusChanged) logger.info("form status", { formId: form.id, status: form.status });
      if (statusChanged && form.webhookUrl !== null) {
        webhooks.send(form.id, form.status, form.webhookUrl, formWire(world, form));
      }
      changed();
    },
    connectionChanged(connection) {
      if (connection.webhookUrl !== null) {
        const body = connectionToWire(connectionView(world, connection), connection.webhookUrl);
        webhooks.send(connection.id, connection.status, connection.webhookUrl, body);
      }
      changed();
    },
    changed,
    later(ms, task) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        task();
      }, ms);
      timers.add(timer);
    },
  };

  const board = createFaultBoard();
  const admin = createSandboxAdmin({ world, board, webhooks, listeners });
  const route = createRouter(
    [...apiRoutes(world, apps, board), ...adminRoutes(world, admin), ...pageRoutes(world, admin)],
    board,
    {
      allowedHosts: [...(options.allowedHosts ?? []), ...(options.host === undefined ? [] : [options.host])],
      ...(options.bodyIdleMs === undefined ? {} : { bodyIdleMs: options.bodyIdleMs }),
    },
  );
  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      logger.error("sandbox request failed", { method: req.method, error });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  world.baseUrl = `http://${host}:${address.port}`;
  resumeSettlements(world);
  const interval = options.schedulerIntervalMs ?? 1_000;
  const scheduler = interval > 0 ? setInterval(() => runDueScheduled(world), interval) : null;
  scheduler?.unref();
  logger.info("sandbox listening", { url: world.baseUrl });

  return {
    url: world.baseUrl,
    app: apps[0] ?? defaultSandboxApp,
    admin,
    async close() {
      if (scheduler !== null) clearInterval(scheduler);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      webhooks.close();
      listeners.clear();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (saveTimer !== null) clearTimeout(saveTimer);
      await save();
    },
  };
}
