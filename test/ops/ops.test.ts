import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { scannerPort } from "../../src/app/scanner-port.ts";
import type { Delivery, PaymentRecord } from "../../src/engine/records.ts";
import { ScanFailure } from "../../src/engine/scanner-port.ts";
import { createHttpServer } from "../../src/http/server.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { collectEngineGauges, createMetrics, instrumentScanner, mountOps, timeWebhooks } from "../../src/ops/index.ts";
import { createScanner } from "../../src/scanner/index.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { wrapKv } from "../helpers/wrap-kv.ts";
import { fixtureDir } from "../scanner/corpus.ts";

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A plain HTTP server standing for DropPay: any answer proves it is reachable. */
async function fakePsp(): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(405).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A loopback URL nothing listens on. */
async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function opsServer(options: Parameters<typeof mountOps>[1]): Promise<string> {
  const http = createHttpServer(silentLogger);
  mountOps(http, options);
  const url = await http.listen(0);
  closers.push(() => http.close());
  return url;
}

/** The value of one sample in Prometheus text, e.g. `pagobot_scans_total{outcome="read"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe("/readyz", () => {
  it("answers 200 with both checks when the store and DropPay answer", async () => {
    const url = await opsServer({ kv: createMemoryKv(), pspUrl: await fakePsp(), metrics: createMetrics() });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean }> };
    expect(body.status).toBe("ready");
    expect(body.checks.store?.ok).toBe(true);
    expect(body.checks.psp?.ok).toBe(true);
  });

  it("answers 503 naming DropPay when nothing answers at its URL", async () => {
    const url = await opsServer({ kv: createMemoryKv(), pspUrl: await deadUrl(), metrics: createMetrics() });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
    expect(body).toMatchObject({ status: "not_ready", checks: { store: { ok: true }, psp: { ok: false } } });
    expect(body.checks.psp?.error).toBe("ECONNREFUSED");
  });

  it("answers 503 naming the store when a read does not come back in time", async () => {
    const stuck: Pick<AtomicKv, "get"> = { get: () => new Promise(() => {}) };
    const url = await opsServer({
      kv: stuck,
      pspUrl: await fakePsp(),
      metrics: createMetrics(),
      readinessTimeoutMs: 200,
    });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ checks: { store: { ok: false, error: "timed out" }, psp: { ok: true } } });
  });
});

describe("/metrics", () => {
  it("counts real scans with their latency, by outcome", async () => {
    const metrics = createMetrics();
    const inner = createScanner({ logger: silentLogger, workers: 1 });
    closers.push(() => inner.close());
    const scanner = instrumentScanner(scannerPort(inner), metrics);
    const url = await opsServer({ kv: createMemoryKv(), pspUrl: await fakePsp(), metrics });

    const result = await scanner.scan(readFileSync(join(fixtureDir, "dev-0094.jpg")), {});
    expect(result.notices).toHaveLength(1);
    const refused = await scanner.scan(new TextEncoder().encode("plain text"), {}).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ScanFailure);

    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    expect(sample(text, 'pagobot_scans_total{outcome="read"}')).toBe(1);
    expect(sample(text, 'pagobot_scans_total{outcome="refused"}')).toBe(1);
    expect(sample(text, 'pagobot_scan_duration_seconds_count{outcome="read"}')).toBe(1);
    expect(sample(text, 'pagobot_scan_duration_seconds_sum{outcome="read"}')).toBeGreaterThan(0);
    // Node's own metrics are there, event-loop delay among them.
    expect(text).toMatch(/^pagobot_nodejs_eventloop_lag_p99_seconds \d/m);
  });

  it("shows webhook latency, platform errors, forms by status and the outbox as the store holds them", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    // Every payment read and key listing the scrapes make, counted.
    const reads = { payments: 0, listings: 0 };
    const kv = wrapKv(createMemoryKv(), (call, what) => {
      if (what.op === "keys") reads.listings++;
      if (what.op === "get" && what.key.startsWith("payment:")) reads.payments++;
      return call();
    });
    const store = createEngineStore(kv);
    let now = 1_000_000;
    collectEngineGauges(metrics, store, { now: () => now }, { minIntervalMs: 0 });
    // Only the status matters to the gauge; the rest of a payment record is the engine's business.
    const payment = (status: string | null) => ({ status }) as unknown as PaymentRecord;
    // Payments from before the count by status existed: the first scrape puts them in it.
    await store.payments.put("p1", payment("PAID"));
    await store.payments.put("p2", payment("PAID"));
    await store.payments.put("p3", payment("READY"));
    // Likewise a delivery: the gauge reads its place on the pending list and when it was queued.
    const queue = (id: string, at: number) =>
      store.outbox.createWith(id, { id, createdAt: at } as unknown as Delivery, {
        set: store.pendingDeliveries.set,
        member: id,
        dueAt: at,
      });
    await queue("d1", now - 4_000);
    await queue("d2", now - 1_000);
    metrics.observeWebhook(0.004, 204);
    metrics.observeWebhook(0.03, 204);
    metrics.observeWebhook(0.002, 401);
    metrics.platformError("telegram", "429");
    const url = await opsServer({ kv, pspUrl: await fakePsp(), metrics });

    let text = await (await fetch(`${url}/metrics`)).text();
    expect(sample(text, 'pagobot_forms{status="PAID"}')).toBe(2);
    expect(sample(text, 'pagobot_forms{status="READY"}')).toBe(1);
    expect(sample(text, "pagobot_outbox_depth")).toBe(2);
    expect(sample(text, "pagobot_outbox_oldest_age_seconds")).toBe(4);
    expect(sample(text, 'pagobot_webhook_duration_seconds_count{status="204"}')).toBe(2);
    expect(sample(text, 'pagobot_webhook_duration_seconds_bucket{le="0.005",status="204"}')).toBe(1);
    expect(sample(text, 'pagobot_webhook_duration_seconds_count{status="401"}')).toBe(1);
    expect(sample(text, 'pagobot_platform_errors_total{platform="telegram",kind="429"}')).toBe(1);

    // The next scrape sees the store as it is then: one delivery sent, one payment paid (its change moves it to
    // PAID's count in the same step, as transition() does), and reads no payment to tell.
    await store.pendingDeliveries.remove("d1");
    await store.payments.updateAlong(
      "p3",
      (cur) => ({ ...cur, status: "PAID" }),
      async (next, cur) => store.formsByStatus.move("p3", cur.status, next.status, now),
    );
    now += 2_000;
    reads.payments = 0;
    reads.listings = 0;
    text = await (await fetch(`${url}/metrics`)).text();
    expect(reads).toEqual({ payments: 0, listings: 0 });
    expect(sample(text, 'pagobot_forms{status="PAID"}')).toBe(3);
    expect(sample(text, 'pagobot_forms{status="READY"}')).toBeUndefined();
    expect(sample(text, "pagobot_outbox_depth")).toBe(1);
    expect(sample(text, "pagobot_outbox_oldest_age_seconds")).toBe(3);
  });

  it("answers only the bearer token when one is set", async () => {
    const url = await opsServer({
      kv: createMemoryKv(),
      pspUrl: await fakePsp(),
      metrics: createMetrics({ defaultMetrics: false }),
      metricsToken: "scrape-secret",
    });
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: "Bearer wrong-secret" } })).status).toBe(401);
    const ok = await fetch(`${url}/metrics`, { headers: { authorization: "Bearer scrape-secret" } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain("# TYPE pagobot_scans_total counter");
  });
});

describe("webhook timing", () => {
  it("records each answer of a handler mounted through it, with its status, and leaves other routes alone", async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const http = createHttpServer(silentLogger);
    timeWebhooks(http, metrics).mount("/droppay/hook", (req, res) => {
      res.writeHead(req.headers.authorization === undefined ? 401 : 204).end();
    });
    mountOps(http, { kv: createMemoryKv(), pspUrl: await fakePsp(), metrics });
    const url = await http.listen(0);
    closers.push(() => http.close());

    expect((await fetch(`${url}/droppay/hook/payment/f1`, { method: "POST" })).status).toBe(401);
    const authorized = { method: "POST", headers: { authorization: "Basic Zjp4" } };
    expect((await fetch(`${url}/droppay/hook/payment/f1`, authorized)).status).toBe(204);
    expect((await fetch(`${url}/droppay/hook/payment/f2`, authorized)).status).toBe(204);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(sample(text, 'pagobot_webhook_duration_seconds_count{status="204"}')).toBe(2);
    expect(sample(text, 'pagobot_webhook_duration_seconds_count{status="401"}')).toBe(1);
    // The scrape itself is not a webhook.
    expect(text).not.toMatch(/pagobot_webhook_duration_seconds_count\{status="200"\}/);
  });
});
