import type { IncomingMessage, ServerResponse } from "node:http";
import { seenMessage } from "./blocks.ts";
import { bearerOf, bool, type Params, readParams, SlackApiError, str } from "./body.ts";
import type { Faults } from "./faults.ts";
import { loginPage } from "./login-page.ts";
import * as api from "./methods.ts";
import type { SocketHub } from "./socket.ts";
import type { PeerState } from "./state.ts";
import * as uploads from "./uploads.ts";

/** A response_url takes at most 5 answers within 30 minutes. */
const RESPONSE_URL_USES = 5;
const RESPONSE_URL_TTL_MS = 30 * 60_000;

type Method = (params: Params) => unknown;

/**
 * The peer's routes: the Web API at /api/<method>, private file URLs at /files-pri/<team>-<file>/<name> (bytes
 * for a bearer of the bot token with files:read, Slack's HTML login page otherwise), upload URLs at
 * /upload/v1/<file> (files.getUploadURLExternal gives them), and response_urls at /response/<id>.
 */
export function createPeerHandler(
  state: PeerState,
  faults: Faults,
  baseUrl: () => string,
  socketMode: { readonly appToken: string; readonly hub: () => SocketHub | undefined },
) {
  const methods: Record<string, Method> = {
    "auth.test": () => api.authTest(state, baseUrl()),
    "users.info": (params) => api.usersInfo(state, params),
    "chat.postMessage": (params) => api.postMessage(state, params),
    "chat.update": (params) => api.update(state, params),
    "chat.postEphemeral": (params) => api.postEphemeral(state, params),
    "files.info": (params) => api.filesInfo(state, params, baseUrl()),
    "files.getUploadURLExternal": (params) => uploads.getUploadUrlExternal(state, params, baseUrl()),
    "files.completeUploadExternal": (params) => uploads.completeUploadExternal(state, params, baseUrl()),
    "views.open": (params) => api.viewsOpen(state, params),
    "views.publish": (params) => api.viewsPublish(state, params),
    "apps.connections.open": () => {
      const hub = socketMode.hub();
      if (hub === undefined) throw new SlackApiError("socket_mode_not_enabled");
      return hub.open();
    },
  };
  /** Socket Mode's one method takes the app-level token (xapp-…); every other method the bot token. */
  const tokenFor = (method: string) => (method === "apps.connections.open" ? socketMode.appToken : state.token);

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://peer");
    const file = /^\/files-pri\/[A-Z0-9]+-([A-Z0-9]+)\/[^/]+$/.exec(url.pathname);
    if (file !== null && req.method === "GET") {
      serveFile(state, req, res, file[1] as string);
      return;
    }
    const upload = /^\/upload\/v1\/([A-Z0-9]+)$/.exec(url.pathname);
    if (upload !== null && req.method === "POST") {
      await uploads.receiveUpload(state, req, res, upload[1] as string);
      return;
    }
    const response = /^\/response\/([A-Za-z0-9]+)$/.exec(url.pathname);
    if (response !== null && req.method === "POST") {
      await answerResponseUrl(state, req, res, url, response[1] as string);
      return;
    }
    const call = /^\/api\/([A-Za-z.]+)$/.exec(url.pathname);
    if (call === null) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    const method = call[1] as string;
    let params: Params = {};
    try {
      params = await readParams(req, url);
      const handler = methods[method];
      if (handler === undefined) throw new SlackApiError("unknown_method");
      const token = bearerOf(req, params);
      if (token === undefined) throw new SlackApiError("not_authed");
      if (token !== tokenFor(method)) {
        throw new SlackApiError(
          token === state.token || token === socketMode.appToken ? "not_allowed_token_type" : "invalid_auth",
        );
      }
      await faults.apply(method, params);
      const result = handler(params) as Record<string, unknown>;
      state.recordCall({ method, params: withoutToken(params), status: 200 });
      json(res, 200, { ok: true, ...result });
    } catch (error) {
      if (!(error instanceof SlackApiError)) throw error;
      state.recordCall({ method, params: withoutToken(params), status: error.status, error: error.error });
      if (error.status === 429) {
        res
          .writeHead(429, { "content-type": "application/json", "retry-after": String(error.retryAfterS ?? 1) })
          .end(JSON.stringify({ ok: false, error: "ratelimited" }));
        return;
      }
      if (error.status >= 500) {
        res.writeHead(error.status, { "content-type": "text/html" }).end("<html><body>Slack is down</body></html>");
        return;
      }
      json(res, error.status, { ok: false, error: error.error });
    }
  };
}

function serveFile(state: PeerState, req: IncomingMessage, res: ServerResponse, id: string): void {
  const file = state.files.get(id);
  const token = bearerOf(req, {});
  // Slack answers a request it cannot authorise with its sign-in page, status 200, not with an error.
  if (file === undefined || token !== state.token || !state.scopes.has("files:read")) {
    if (file !== undefined) file.loginPages += 1;
    state.emit("download");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(loginPage);
    return;
  }
  file.downloads += 1;
  state.emit("download");
  res.writeHead(200, { "content-type": file.mimetype, "content-length": file.bytes.length }).end(file.bytes);
}

async function answerResponseUrl(
  state: PeerState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  id: string,
): Promise<void> {
  const target = state.responseUrls.get(id);
  let params: Params;
  try {
    params = await readParams(req, url);
  } catch {
    res.writeHead(400, { "content-type": "text/plain" }).end("invalid_payload");
    return;
  }
  if (target === undefined || state.now() - target.createdAtMs > RESPONSE_URL_TTL_MS) {
    res.writeHead(404, { "content-type": "text/plain" }).end("expired_url");
    return;
  }
  if (target.uses >= RESPONSE_URL_USES) {
    res.writeHead(404, { "content-type": "text/plain" }).end("used_url");
    return;
  }
  target.uses += 1;
  const text = str(params, "text") ?? "";
  const blocks = params.blocks;
  const original = target.messageTs === undefined ? undefined : state.message(target.channel, target.messageTs);
  if (bool(params, "replace_original") && original !== undefined) {
    original.text = text;
    original.blocks = blocks;
    original.seen = seenMessage(text, blocks, undefined);
    original.edits += 1;
    state.record({
      side: "bot",
      kind: "edit",
      channel: target.channel,
      ts: original.ts,
      text: original.seen.text,
      fallback: text,
      buttons: original.seen.buttons,
    });
  } else {
    const seen = seenMessage(text, blocks, undefined);
    const inChannel = str(params, "response_type") === "in_channel";
    state.record({
      side: "bot",
      kind: "response",
      channel: target.channel,
      ts: state.newTs(),
      ...(inChannel ? {} : { visibleTo: target.user }),
      text: seen.text,
      fallback: text,
      buttons: seen.buttons,
    });
  }
  res.writeHead(200, { "content-type": "text/plain" }).end("ok");
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
}

/** Call records never keep the token. */
function withoutToken(params: Params): Record<string, unknown> {
  const { token: _token, ...rest } = params;
  return rest;
}
