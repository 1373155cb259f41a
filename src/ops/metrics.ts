import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** How a scan ended, as the metrics count it. */
export type ScanOutcome = "read" | "empty" | "refused" | "failed";

/** The outbox as a scrape sees it: deliveries not yet sent, and how long the oldest has waited. */
export interface OutboxSnapshot {
  readonly depth: number;
  readonly oldestAgeSeconds: number | null;
}

/** pagobot's Prometheus metrics: a registry to expose, and typed recorders for the parts that feed it. */
export interface Metrics {
  readonly registry: Registry;
  /** One scan done, with how it ended and how long it took (waiting for a worker included). */
  scanned(outcome: ScanOutcome, seconds: number): void;
  /** One DropPay webhook answered: the listener calls it with its HTTP status and its handling time. */
  observeWebhook(seconds: number, status: number): void;
  /** A chat platform refused or failed a call (Telegram 429, Slack 5xx, a network error…). */
  platformError(platform: string, kind: string): void;
  /** Where forms-by-status come from at scrape time (counts by PSP status); the last one set wins. */
  collectFormsByStatus(collect: () => Promise<Readonly<Record<string, number>>>): void;
  /** Where the outbox's depth and age come from at scrape time. */
  collectOutbox(collect: () => Promise<OutboxSnapshot>): void;
}

export interface MetricsOptions {
  /** Node's own metrics (event-loop delay, heap, GC, handles); default on. Off for short-lived tools. */
  readonly defaultMetrics?: boolean;
}

/**
 * Creates a registry of its own (never prom-client's global one, so that two apps in one test process do not
 * collide). Gauges that cost store reads are computed only when scraped, through the callbacks given.
 * @example
 * const metrics = createMetrics();
 * const scanner = instrumentScanner(scanService.scanner, metrics);
 * mountOps(app.http, { kv: app.kv, pspUrl, metrics });
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "pagobot_" });
  const registers = [registry];

  const scans = new Counter({
    name: "pagobot_scans_total",
    help: "Files scanned, by outcome (read: at least one notice; empty: none; refused: bad input; failed: crash)",
    labelNames: ["outcome"] as const,
    registers,
  });
  const scanSeconds = new Histogram({
    name: "pagobot_scan_duration_seconds",
    help: "From handing a file to the scanner to its answer, waiting for a worker included",
    labelNames: ["outcome"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5, 10, 30],
    registers,
  });
  const webhookSeconds = new Histogram({
    name: "pagobot_webhook_duration_seconds",
    help: "DropPay webhooks: from the request to the listener's answer",
    labelNames: ["status"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers,
  });
  const platformErrors = new Counter({
    name: "pagobot_platform_errors_total",
    help: "Calls to a chat platform that failed, by platform and kind",
    labelNames: ["platform", "kind"] as const,
    registers,
  });

  let formsByStatus: (() => Promise<Readonly<Record<string, number>>>) | null = null;
  new Gauge({
    name: "pagobot_forms",
    help: "Payment forms pagobot keeps, by DropPay status (read from the store when scraped)",
    labelNames: ["status"] as const,
    registers,
    async collect() {
      if (formsByStatus === null) return;
      const counts = await formsByStatus();
      this.reset();
      for (const [status, count] of Object.entries(counts)) this.set({ status }, count);
    },
  });
  let outbox: (() => Promise<OutboxSnapshot>) | null = null;
  let outboxRead: Promise<OutboxSnapshot> | null = null;
  // Both outbox gauges come from one read per scrape: prom-client starts the collects in registration order,
  // so the depth gauge starts the read and the age gauge awaits the same one.
  new Gauge({
    name: "pagobot_outbox_depth",
    help: "Chat messages queued and not yet delivered",
    registers,
    async collect() {
      if (outbox === null) return;
      outboxRead = outbox();
      this.set((await outboxRead).depth);
    },
  });
  new Gauge({
    name: "pagobot_outbox_oldest_age_seconds",
    help: "How long the oldest undelivered chat message has waited (0 when none waits)",
    registers,
    async collect() {
      if (outboxRead !== null) this.set((await outboxRead).oldestAgeSeconds ?? 0);
    },
  });

  return {
    registry,
    scanned: (outcome, seconds) => {
      scans.inc({ outcome });
      scanSeconds.observe({ outcome }, seconds);
    },
    observeWebhook: (seconds, status) => webhookSeconds.observe({ status: String(status) }, seconds),
    platformError: (platform, kind) => platformErrors.inc({ platform, kind }),
    collectFormsByStatus: (collect) => {
      formsByStatus = collect;
    },
    collectOutbox: (collect) => {
      outbox = collect;
    },
  };
}
