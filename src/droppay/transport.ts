import type { Logger } from "../log/logger.ts";
import type { Clock } from "./clock.ts";
import { DropPayApiError, DropPayNetworkError, type DropPayRoute, DropPaySchemaError } from "./errors.ts";
import { type Parsed, parseErrorBody } from "./schemas.ts";

/** What the transport reads of an answer: its status and its body as text (a fetch Response is one). */
export interface FetchReply {
  readonly status: number;
  text(): Promise<string>;
}

/** The `fetch` shape we use: undici's request (undici-fetch.ts), the global fetch, or a test's own. */
export type FetchLike = (input: string, init: RequestInit) => Promise<FetchReply>;

/** One HTTP exchange with DropPay. */
export interface DropPayRequest<T> {
  readonly route: DropPayRoute;
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path below the base URL, already encoded. */
  readonly path: string;
  /** The bearer token; sent in the Authorization header and nowhere else. */
  readonly bearer?: string;
  readonly body?: unknown;
  /** Checks a 2xx reply. */
  readonly parse: (json: unknown) => Parsed<T>;
  /** Extra fields for the log line (a form id, never a token). */
  readonly logFields?: Record<string, unknown>;
}

export interface TransportOptions {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** Sends one request. Throws DropPayApiError (error status), DropPayNetworkError (no answer) or DropPaySchemaError. */
export type Transport = <T>(request: DropPayRequest<T>) => Promise<T>;

/**
 * Creates the transport: a timeout covering the whole exchange (answer and body), redirects refused
 * (payments.md R13), errors split three ways. No retry here: callers decide what is safe to repeat.
 */
export function createTransport(options: TransportOptions): Transport {
  const baseUrl = checkBaseUrl(options.baseUrl);
  return async <T>(request: DropPayRequest<T>): Promise<T> => {
    const started = options.clock.now();
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeoutMs);
    const noAnswer = (cause: unknown): DropPayNetworkError =>
      timedOut
        ? new DropPayNetworkError(
            "droppay_timeout",
            request.route,
            `DropPay ${request.route}: no answer within ${options.timeoutMs} ms`,
            { cause },
          )
        : new DropPayNetworkError(
            "droppay_connection_failed",
            request.route,
            `DropPay ${request.route}: connection failed`,
            { cause },
          );
    const headers: Record<string, string> = { accept: "application/json" };
    if (request.bearer !== undefined) headers.authorization = `Bearer ${request.bearer}`;
    if (request.body !== undefined) headers["content-type"] = "application/json";
    try {
      let response: FetchReply;
      let text: string;
      try {
        response = await options.fetch(`${baseUrl}${request.path}`, {
          method: request.method,
          headers,
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: controller.signal,
          redirect: "error",
        });
        text = await response.text();
      } catch (error) {
        throw noAnswer(error);
      }
      options.logger.debug("droppay call", {
        route: request.route,
        method: request.method,
        status: response.status,
        durationMs: options.clock.now() - started,
        ...request.logFields,
      });
      if (response.status < 200 || response.status > 299) {
        const body = parseErrorBody(readJson(text));
        throw new DropPayApiError({
          status: response.status,
          pspCode: body?.code ?? null,
          description: body?.description ?? null,
          route: request.route,
        });
      }
      if (text.trim() === "") throw new DropPaySchemaError(request.route, ["(root): empty body"]);
      const json = readJson(text);
      if (json === undefined) throw new DropPaySchemaError(request.route, ["(root): not JSON"]);
      const parsed = request.parse(json);
      if (!parsed.ok) throw new DropPaySchemaError(request.route, parsed.issues);
      return parsed.value;
    } catch (error) {
      if (!(error instanceof DropPayApiError)) {
        options.logger.warn("droppay call failed", { route: request.route, error, ...request.logFields });
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  };
}

function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function checkBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new TypeError("DropPay base URL must be http(s)");
  if (url.username !== "" || url.password !== "") throw new TypeError("DropPay base URL must not carry credentials");
  return baseUrl.replace(/\/+$/, "");
}
