import type { IncomingMessage, ServerResponse } from "node:http";
import { changesState, isAllowedHost, isCrossSite, isJsonRequest } from "../../http/request-guards.ts";
import type { DropPayRoute } from "../errors.ts";
import type { FaultBoard, SandboxFault } from "./faults.ts";
import { failures, SandboxFailure } from "./world.ts";

/** What a handler answers: JSON, an HTML page, or a status with no body at all. */
export type Answer =
  | { readonly status: number; readonly json: unknown }
  | { readonly status: number; readonly html: string }
  | { readonly status: number; readonly empty: true };

/** One request, as handlers see it. */
export interface Call {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** The path's captured parts (a form id, a connection id). */
  readonly params: readonly string[];
  /** The body as JSON (400/100 when it is not); an empty body reads as undefined. */
  json(): Promise<unknown>;
  /** The body as an HTML form (application/x-www-form-urlencoded). */
  form(): Promise<URLSearchParams>;
}

export interface RouteSpec {
  readonly method: string;
  readonly path: RegExp;
  /** The DropPay route it stands for: counted, and subject to injected faults. Admin and page routes have none. */
  readonly route?: DropPayRoute;
  /** Which captured part names the form, for per-form counters and faults. */
  readonly formParam?: number;
  readonly handle: (call: Call) => Promise<Answer> | Answer;
}

const maxBodyBytes = 256 * 1024;
/** A body that sends nothing for this long is dropped: a stalled client must not hold a request open forever. */
export const BODY_IDLE_MS = 15_000;

async function readBody(req: IncomingMessage, idleMs: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  let idle: NodeJS.Timeout | undefined;
  const restartIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(() => req.destroy(), idleMs);
  };
  restartIdle();
  try {
    for await (const chunk of req) {
      restartIdle();
      size += (chunk as Buffer).length;
      if (size > maxBodyBytes) throw failures.missingArguments("body too large");
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof SandboxFailure) throw error;
    // Stalled (dropped above) or gone: nobody is left to answer; the router's send() skips a destroyed socket.
    throw failures.noBody(408);
  } finally {
    clearTimeout(idle);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function makeCall(req: IncomingMessage, res: ServerResponse, url: URL, params: readonly string[], body: string): Call {
  return {
    req,
    res,
    url,
    params,
    json: async () => {
      if (body.trim() === "") return undefined;
      try {
        return JSON.parse(body) as unknown;
      } catch {
        throw failures.missingArguments("body is not JSON");
      }
    },
    form: async () => new URLSearchParams(body),
  };
}

/** Writes an answer unless the connection is already gone. */
export function send(res: ServerResponse, answer: Answer): void {
  if (res.destroyed || res.writableEnded) return;
  if ("json" in answer) {
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.json));
  } else if ("html" in answer) {
    res.writeHead(answer.status, { "content-type": "text/html; charset=utf-8" }).end(answer.html);
  } else {
    res.writeHead(answer.status).end();
  }
}

/** DropPay's `{code, description}`, or nothing at all when the failure has no code. */
export function failureAnswer(failure: SandboxFailure): Answer {
  return failure.code === null
    ? { status: failure.status, empty: true }
    : { status: failure.status, json: { code: failure.code, description: failure.description } };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Applies a fault; true when it answered (or dropped) the call, false when the call goes on (a delay). */
async function suffer(fault: SandboxFault, res: ServerResponse): Promise<boolean> {
  if (fault.kind === "delay") {
    await wait(fault.ms);
    return false;
  }
  if (fault.kind === "drop") {
    res.socket?.destroy();
    return true;
  }
  const status = fault.status ?? 500;
  send(res, fault.body ? { status, json: fault.body } : { status, empty: true });
  return true;
}

/**
 * Why a request to the sandbox's own routes (the admin API and the pages standing in for the DropPay app, which
 * have no authentication) is refused, or null. DropPay's routes are left alone: bearer tokens protect them.
 * See src/http/request-guards.ts for the attacks: DNS rebinding (the Host check) and cross-site requests.
 */
function refusal(req: IncomingMessage, url: URL, allowedHosts: readonly string[]): Answer | null {
  if (!isAllowedHost(req.headers.host, allowedHosts)) {
    return { status: 403, json: { code: "101", description: "Access denied: this host name is not the sandbox's" } };
  }
  if (!changesState(req.method)) return null;
  if (isCrossSite(req)) return { status: 403, json: { code: "101", description: "Access denied: cross-site request" } };
  if (url.pathname.startsWith("/sandbox/v1/") && !isJsonRequest(req)) {
    return {
      status: 415,
      json: { code: "100", description: "Missing arguments: Content-Type must be application/json" },
    };
  }
  return null;
}

/** Routes requests; for DropPay routes, counts the call and applies injected faults before or after the effect. */
export function createRouter(
  specs: readonly RouteSpec[],
  board: FaultBoard,
  options: { allowedHosts?: readonly string[]; bodyIdleMs?: number } = {},
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const matching = specs.filter((s) => s.path.test(url.pathname));
    const spec = matching.find((s) => s.method === req.method);
    if (spec === undefined) {
      send(
        res,
        matching.length > 0
          ? { status: 405, empty: true }
          : { status: 404, json: { code: "100", description: "Unknown endpoint" } },
      );
      return;
    }
    if (spec.route === undefined) {
      const refused = refusal(req, url, options.allowedHosts ?? []);
      if (refused !== null) {
        req.resume();
        send(res, refused);
        return;
      }
    }
    let params: string[];
    try {
      params = (spec.path.exec(url.pathname) ?? []).slice(1).map((p) => decodeURIComponent(p ?? ""));
    } catch {
      // A malformed percent-escape in an id is the caller's mistake, not the sandbox's.
      send(res, failureAnswer(failures.missingArguments("malformed percent-encoding in the path")));
      return;
    }
    const formId = spec.formParam === undefined ? null : (params[spec.formParam] ?? null);
    const fault = spec.route === undefined ? null : board.take(spec.route, formId);
    let answer: Answer;
    try {
      // The whole request is read first: a call delayed by a fault still acts, late, after its client gave up.
      const body = await readBody(req, options.bodyIdleMs ?? BODY_IDLE_MS);
      if (fault !== null && !fault.after && (await suffer(fault, res))) return;
      answer = await spec.handle(makeCall(req, res, url, params, body));
    } catch (error) {
      if (!(error instanceof SandboxFailure)) throw error;
      answer = failureAnswer(error);
    }
    if (fault?.after && (await suffer(fault, res))) return;
    send(res, answer);
  };
}
