import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log/logger.ts";

/** Handles one request under a mounted prefix; `path` is the request path with the prefix still on it. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> | void;

/** pagobot's one HTTP server: the playground, DropPay webhooks and the Telegram webhook mount on it. */
export interface HttpServer {
  /** Routes every request whose path starts with `prefix` (longest prefix wins). */
  mount(prefix: string, handler: RequestHandler): void;
  /** Starts listening; resolves to the base URL, e.g. http://127.0.0.1:3000. */
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly server: Server;
}

/** Creates the HTTP server. A handler that throws answers 500 without details; the error is logged. */
export function createHttpServer(logger: Logger): HttpServer {
  const routes: { prefix: string; handler: RequestHandler }[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = routes.find((r) => url.pathname === r.prefix || url.pathname.startsWith(prefixWithSlash(r.prefix)));
    if (route === undefined) {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    Promise.resolve()
      .then(() => route.handler(req, res, url))
      .catch((error: unknown) => {
        logger.error("request failed", { path: url.pathname, error });
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("internal error\n");
      });
  });
  // Long-lived responses (server-sent events) must not be cut by Node's default request timeout.
  server.requestTimeout = 0;
  return {
    server,
    mount(prefix, handler) {
      routes.push({ prefix, handler });
      routes.sort((a, b) => b.prefix.length - a.prefix.length);
    },
    listen(port, host = "127.0.0.1") {
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const address = server.address() as AddressInfo;
          resolve(`http://${host.includes(":") ? `[${host}]` : host}:${address.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

function prefixWithSlash(prefix: string): string {
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}
