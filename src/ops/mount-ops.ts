import { timingSafeEqual } from "node:crypto";
import type { HttpServer } from "../http/server.ts";
import type { AtomicKv } from "../store/kv.ts";
import type { Metrics } from "./metrics.ts";
import { checkReadiness } from "./readiness.ts";

export interface OpsOptions {
  readonly kv: Pick<AtomicKv, "get">;
  readonly pspUrl: string;
  readonly metrics: Metrics;
  /** When set, /metrics answers only `Authorization: Bearer <token>` (the server is public: webhooks land on it). */
  readonly metricsToken?: string;
  readonly readinessTimeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/**
 * Mounts `/readyz` (200 when the store and DropPay answer, else 503; JSON of both checks either way) and
 * `/metrics` (Prometheus text) on pagobot's HTTP server. `/healthz` (alive) is the composition root's own.
 */
export function mountOps(http: Pick<HttpServer, "mount">, options: OpsOptions): void {
  http.mount("/readyz", async (_req, res) => {
    const readiness = await checkReadiness({
      kv: options.kv,
      pspUrl: options.pspUrl,
      ...(options.readinessTimeoutMs === undefined ? {} : { timeoutMs: options.readinessTimeoutMs }),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    });
    res
      .writeHead(readiness.ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" })
      .end(`${JSON.stringify({ status: readiness.ready ? "ready" : "not_ready", checks: readiness.checks })}\n`);
  });
  http.mount("/metrics", async (req, res) => {
    if (options.metricsToken !== undefined && !bearerMatches(req.headers.authorization, options.metricsToken)) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": "Bearer" }).end();
      return;
    }
    const body = await options.metrics.registry.metrics();
    res.writeHead(200, { "content-type": options.metrics.registry.contentType }).end(body);
  });
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
