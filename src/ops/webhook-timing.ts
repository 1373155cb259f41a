import type { HttpServer } from "../http/server.ts";
import type { Metrics } from "./metrics.ts";

/**
 * The same HTTP server, except that handlers mounted through it are timed from the request to the end of their
 * answer, and each answer is recorded in `metrics.observeWebhook` with its status. Handing it to the webhook
 * listener instead of the server times DropPay's webhooks without touching the listener.
 * @example mountWebhookListener(timeWebhooks(http, metrics), deps);
 */
export function timeWebhooks(http: HttpServer, metrics: Pick<Metrics, "observeWebhook">): HttpServer {
  return {
    get server() {
      return http.server;
    },
    listen: (port, host) => http.listen(port, host),
    close: () => http.close(),
    mount(prefix, handler) {
      http.mount(prefix, (req, res, url) => {
        const started = performance.now();
        res.once("finish", () => metrics.observeWebhook((performance.now() - started) / 1000, res.statusCode));
        return handler(req, res, url);
      });
    },
  };
}
