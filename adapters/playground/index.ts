import type { Engine } from "../../src/engine/api.ts";
import type { ChatPort } from "../../src/engine/ports.ts";
import { changesState, isAllowedHost, isCrossSite } from "../../src/http/request-guards.ts";
import type { HttpServer, RequestHandler } from "../../src/http/server.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { ChatHub } from "./chat-hub.ts";
import { createChatRoutes } from "./chat-routes.ts";
import { PlaygroundError, statusOf } from "./errors.ts";
import { PeopleDirectory } from "./people.ts";
import { createPlaygroundPort } from "./port.ts";
import { setBodyIdle } from "./read-body.ts";
import { type Route, sendJson } from "./respond.ts";
import type { PlaygroundSandbox } from "./sandbox-port.ts";
import { createSandboxRoutes } from "./sandbox-routes.ts";
import { createStaticRoutes } from "./static-files.ts";
import { createKvTranscripts } from "./transcripts.ts";
import { type UploadSlotOptions, UploadSlots } from "./upload-slots.ts";

export type {
  PanelAccount,
  PanelApproval,
  PanelResetSummary,
  PanelTestNotice,
  PlaygroundSandbox,
} from "./sandbox-port.ts";

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
  /** pagobot's store: each chat's transcript is kept there (bounded), so a restart shows the same chats. */
  readonly kv?: AtomicKv;
  /**
   * Host names (or URLs, e.g. PUBLIC_URL) the playground answers to besides localhost, 127.0.0.1 and [::1]:
   * any other `Host` is refused (DNS rebinding).
   */
  readonly allowedHosts?: readonly string[];
  /** Uploads received at once, per client and in all. */
  readonly uploadSlots?: UploadSlotOptions;
  /** How long a request body may stall before it is dropped; default 15 s. */
  readonly bodyIdleMs?: number;
}

/** The running playground: its chat port (already registered with the engine) and its chats. */
export interface PlaygroundAdapter {
  readonly port: ChatPort;
  readonly hub: ChatHub;
  /** Writes the transcripts still waiting to be stored (call it on shutdown, before the store closes). */
  flush(): Promise<void>;
}

/**
 * Starts the web playground: a chat page at `/` that is a third adapter of the engine, plus the sandbox panel.
 *
 * @example
 * const playground = createPlaygroundAdapter({ engine: app.engine, http: app.http, logger, sandbox, kv: app.kv });
 */
export function createPlaygroundAdapter(options: PlaygroundAdapterOptions): PlaygroundAdapter {
  const logger = options.logger.child({ module: "playground" });
  const transcripts = options.kv === undefined ? undefined : createKvTranscripts(options.kv, logger);
  const hub = new ChatHub(transcripts === undefined ? {} : { store: transcripts });
  const people = new PeopleDirectory();
  const port = createPlaygroundPort(hub);
  options.engine.registerPort(port);
  const routes = [
    ...createStaticRoutes(),
    ...createChatRoutes({
      engine: options.engine,
      hub,
      maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
      people,
      uploads: new UploadSlots(options.uploadSlots),
    }),
    ...createSandboxRoutes(options.sandbox, people),
  ];
  options.http.mount("/", createRouter(routes, logger, options.allowedHosts ?? [], options.bodyIdleMs));
  return { port, hub, flush: async () => transcripts?.flush() };
}

/**
 * Dispatches to the first route matching method and path; the one place errors become HTTP answers. Every
 * request must name this machine in `Host`, and no browser request that changes something may come from another
 * site (src/http/request-guards.ts says why).
 */
function createRouter(
  routes: readonly Route[],
  logger: Logger,
  allowedHosts: readonly string[],
  bodyIdleMs: number | undefined,
): RequestHandler {
  const refuse = (req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], error: PlaygroundError) => {
    logger.debug("request refused", { code: error.code });
    // A body left unread is not drained (it may be megabytes): the connection closes after the answer.
    const headers: Record<string, string> = req.complete ? {} : { connection: "close" };
    if (!res.headersSent) sendJson(res, statusOf[error.code], { error: error.code }, headers);
    else res.end();
  };
  return async (req, res, url) => {
    if (!isAllowedHost(req.headers.host, allowedHosts)) {
      return refuse(req, res, new PlaygroundError("forbidden_host", "the Host header is not this machine's"));
    }
    if (changesState(req.method) && isCrossSite(req)) {
      return refuse(req, res, new PlaygroundError("cross_site", "a request from another site"));
    }
    if (bodyIdleMs !== undefined) setBodyIdle(req, bodyIdleMs);
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
        refuse(req, res, error);
      }
      return;
    }
    if (pathMatched) sendJson(res, 405, { error: "method_not_allowed" });
    else sendJson(res, 404, { error: "not_found" });
  };
}
