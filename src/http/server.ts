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

export interface HttpServerOptions {
  /**
   * How long a client may take to send a whole request, headers and body. Default 60 s: enough for the largest
   * upload the playground takes over a slow link, short enough that slow bodies cannot pile up.
   */
  requestTimeoutMs?: number;
  /** How long a client may take to send the request headers. Default 15 s. */
  headersTimeoutMs?: number;
}

const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_HEADERS_TIMEOUT_MS = 15_000;

/**
 * Creates the HTTP server. A handler that throws answers 500 without details; the error is logged.
 *
 * Every request must arrive whole within `requestTimeoutMs` (Node answers 408 and closes the connection
 * otherwise), whatever the route. The limit covers receiving the request only, never the response: a GET whose
 * answer is a long-lived event stream has received all it will receive at once, so the stream is not cut.
 */
export function createHttpServer(logger: Logger, options: HttpServerOptions = {}): HttpServer {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS, requestTimeout);
  const routes: { prefix: string; handler: RequestHandler }[] = [];
  const server = createServer(
    {
      requestTimeout,
      headersTimeout,
      // Node checks the two timeouts above on this interval (30 s by default, which would stretch them).
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req, res) => {
      const url = parseRequestUrl(req.url);
      if (url === undefined) {
        res.writeHead(400, { "content-type": "text/plain; charset=utf-8" }).end("bad request\n");
        return;
      }
      const route = routes.find((r) => url.pathname === r.prefix || url.pathname.startsWith(prefixWithSlash(r.prefix)));
      if (route === undefined) {
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
        return;
      }
      Promise.resolve()
        .then(() => route.handler(req, res, url))
        .catch((error: unknown) => {
          // A percent-escape a handler could not decode is the client's mistake, not ours.
          const clientError = error instanceof URIError;
          if (clientError) logger.warn("bad request", { path: url.pathname, error });
          else logger.error("request failed", { path: url.pathname, error });
          if (!res.headersSent) {
            res.writeHead(clientError ? 400 : 500, { "content-type": "text/plain; charset=utf-8" });
          }
          res.end(clientError ? "bad request\n" : "internal error\n");
        });
    },
  );
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

/**
 * The request's URL, or undefined when it cannot be one: a target that does not parse, or a path with
 * percent-escapes that do not decode (`/%E0%A4%A`), which handlers would otherwise meet as a URIError.
 */
function parseRequestUrl(target: string | undefined): URL | undefined {
  // Only origin-form targets ("/path?query"): an absolute or scheme-relative one ("//host/x") would make the
  // URL parser take its host from the request instead of ours.
  if (target === undefined || !target.startsWith("/") || target.startsWith("//")) return undefined;
  try {
    const url = new URL(target, "http://localhost");
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined;
  }
}

function prefixWithSlash(prefix: string): string {
  return prefix.endsWith("/") ? prefix : `${prefix}/`;
}
