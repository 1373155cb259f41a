import type { IncomingMessage, ServerResponse } from "node:http";
import { BotApiError, type Params, readParams } from "./body.ts";
import type { Faults } from "./faults.ts";
import * as bot from "./methods-bot.ts";
import * as messages from "./methods-messages.ts";
import type { PeerState } from "./state.ts";

export interface HandlerOptions {
  readonly callbackTtlMs: number;
  readonly webhookError: () => string | undefined;
}

type Method = (params: Params, context: bot.PollContext) => unknown;

/** The Bot API's routes: /bot<token>/<method> (also under /test/) and /file/bot<token>/<file_path>. */
export function createPeerHandler(state: PeerState, faults: Faults, options: HandlerOptions) {
  let activePoll: bot.Poll | undefined;
  const methods: Record<string, Method> = {
    getme: () => bot.getMe(state),
    getupdates: (params, context) => {
      activePoll?.terminate(
        new BotApiError(
          409,
          "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
        ),
      );
      return bot.getUpdates(state, params, context);
    },
    setwebhook: (params) => bot.setWebhook(state, params),
    deletewebhook: (params) => bot.deleteWebhook(state, params),
    getwebhookinfo: () => bot.getWebhookInfo(state, options.webhookError),
    getfile: (params) => bot.getFile(state, params),
    setmycommands: (params) => bot.setMyCommands(state, params),
    getmycommands: (params) => bot.getMyCommands(state, params),
    deletemycommands: (params) => bot.deleteMyCommands(state, params),
    setmydescription: (params) => bot.setDescription(state.descriptions, params, "description", 512),
    getmydescription: (params) => bot.getDescription(state.descriptions, params, "description"),
    setmyshortdescription: (params) => bot.setDescription(state.shortDescriptions, params, "short_description", 120),
    getmyshortdescription: (params) => bot.getDescription(state.shortDescriptions, params, "short_description"),
    sendmessage: (params) => messages.sendMessage(state, params),
    senddocument: (params) => messages.sendDocument(state, params),
    editmessagetext: (params) => messages.editMessageText(state, params),
    editmessagereplymarkup: (params) => messages.editMessageReplyMarkup(state, params),
    answercallbackquery: (params) => messages.answerCallbackQuery(state, params, options),
    sendchataction: (params) => messages.sendChatAction(state, params),
  };

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://peer");
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file !== null) {
      serveFile(state, res, file[1] as string, decodeURIComponent(file[2] as string));
      return;
    }
    const call = /^\/bot([^/]+)\/(?:test\/)?([A-Za-z]+)$/.exec(url.pathname);
    if (call === null) {
      answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      return;
    }
    const method = call[2] as string;
    let params: Params = {};
    try {
      if (call[1] !== state.token) throw new BotApiError(401, "Unauthorized");
      const handler = methods[method.toLowerCase()];
      if (handler === undefined) throw new BotApiError(404, "Not Found");
      params = await readParams(req, url);
      await faults.apply(method, params);
      const context: bot.PollContext = {
        closed: new Promise((resolve) => res.once("close", () => resolve())),
        register: (poll) => {
          activePoll = poll;
        },
        unregister: (poll) => {
          if (activePoll === poll) activePoll = undefined;
        },
      };
      const result = await handler(params, context);
      state.recordCall({ method, params: printable(params), status: 200 });
      answer(res, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof BotApiError)) throw error;
      state.recordCall({ method, params: printable(params), status: error.code, description: error.description });
      if (error.code >= 500) {
        // Telegram's front end answers 5xx with an HTML page, not the JSON envelope.
        res
          .writeHead(error.code, { "content-type": "text/html" })
          .end(`<html><body>${error.description}</body></html>`);
        return;
      }
      answer(res, error.code, {
        ok: false,
        error_code: error.code,
        description: error.description,
        ...(error.parameters === undefined ? {} : { parameters: error.parameters }),
      });
    }
  };
}

function serveFile(state: PeerState, res: ServerResponse, token: string, path: string): void {
  const file = token === state.token ? [...state.files.values()].find((f) => f.path === path) : undefined;
  if (file === undefined) {
    answer(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    return;
  }
  file.downloads += 1;
  state.emit("download");
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
  res.end(file.bytes);
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** Call records keep parameters readable: uploaded bytes become their length. */
function printable(params: Params): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    out[key] = value instanceof Uint8Array ? `<${value.length} bytes>` : value;
  }
  return out;
}
