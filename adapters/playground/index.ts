import type { Engine } from "../../src/engine/api.ts";
import type { ChatPort } from "../../src/engine/ports.ts";
import type { HttpServer, RequestHandler } from "../../src/http/server.ts";
import type { Logger } from "../../src/log/logger.ts";
import { ChatHub } from "./chat-hub.ts";
import { createChatRoutes } from "./chat-routes.ts";
import { PlaygroundError, statusOf } from "./errors.ts";
import { createPlaygroundPort } from "./port.ts";
import { type Route, sendJson } from "./respond.ts";
import type { PlaygroundSandbox } from "./sandbox-port.ts";
import { createSandboxRoutes } from "./sandbox-routes.ts";
import { createStaticRoutes } from "./static-files.ts";

export type { PanelAccount, PanelApproval, PanelTestNotice, PlaygroundSandbox } from "./sandbox-port.ts";

/** The upload cap: Telegram's own limit for files a bot downloads, and more than any notice photo needs. */
export const DEFAULT_MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

export interface PlaygroundAdapterOptions {
  readonly engine: Engine;
  /** pagobot's HTTP server; the playground mounts at `/`, so every more specific mount still wins. */
  readonly http: Pick<HttpServer, "mount">;
  readonly logger: Logger;
  /** The DropPay sandbox behind the side panel; absent when pagobot talks to a real DropPay. */
  readonly sandbox?: PlaygroundSandbox;
  readonly maxUploadBytes?: number;
}

/** The running playground: its chat port (already registered with the engine) and its in-memory chats. */
export interface PlaygroundAdapter {
  readonly port: ChatPort;
  readonly hub: ChatHub;
}

/**
 * Starts the web playground: a chat page at `/` that is a third adapter of the engine, plus the sandbox panel.
 *
 * @example
 * const playground = createPlaygroundAdapter({ engine: app.engine, http: app.http, logger, sandbox });
 */
export function createPlaygroundAdapter(options: PlaygroundAdapterOptions): PlaygroundAdapter {
  const logger = options.logger.child({ module: "playground" });
  const hub = new ChatHub();
  const port = createPlaygroundPort(hub);
  options.engine.registerPort(port);
  const routes = [
    ...createStaticRoutes(),
    ...createChatRoutes({
      engine: options.engine,
      hub,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    }),
    ...createSandboxRoutes(options.sandbox),
  ];
  options.http.mount("/", createRouter(routes, logger));
  return { port, hub };
}

/** Dispatches to the first route matching method and path; the one place errors become HTTP answers. */
function createRouter(routes: readonly Route[], logger: Logger): RequestHandler {
  return async (req, res, url) => {
    let pathMatched = false;
    for (const route of routes) {
      const match = route.path.exec(url.pathname);
      if (match === null) continue;
      pathMatched = true;
      if (route.method !== req.method && !(route.method === "GET" && req.method === "HEAD")) continue;
      try {
        await route.handle(req, res, match, url);
      } catch (error) {
        if (!(error instanceof PlaygroundError)) throw error;
        logger.debug("request refused", { path: url.pathname, code: error.code });
        if (!res.headersSent) sendJson(res, statusOf[error.code], { error: error.code });
        else res.end();
      }
      return;
    }
    if (pathMatched) sendJson(res, 405, { error: "method_not_allowed" });
    else sendJson(res, 404, { error: "not_found" });
  };
}
