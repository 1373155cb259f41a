import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchLike, FetchReply } from "./transport.ts";

/** How many requests may use one DropPay host at once. */
const MAX_SOCKETS = 64;
/**
 * An idle kept-alive connection is closed after this long: before a server's own idle timeout (Node's servers
 * close at 5 s), so that a request rarely goes out on a connection the server is closing at that moment. When it
 * does (a reset with no answer), the transport reports a connection failure, which a GET's retry covers.
 */
const IDLE_MS = 4_000;

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS }),
};

/**
 * The transport's `fetch` on node's own HTTP client with keep-alive agents: one request and its whole answer as
 * text. What the transport asks of fetch and nothing more: the method, headers and body go out as given, the
 * signal aborts the exchange (answer and body), and a redirect is refused (rejects, as fetch's `redirect: "error"`
 * does), never followed. The global fetch spent several times the CPU of the request itself on each call (a
 * DropPay read per webhook: its Request, Headers and Response objects and the body's web stream).
 *
 * For reads only (`readsOnNodeHttp`): a request sent on a kept-alive connection the server closes at that very
 * moment fails with no answer, which is harmless for a GET (retried) but would make a disposition's outcome
 * unknown; undici's fetch retires connections ahead of the server's announced idle timeout, so writes keep it.
 */
export const httpFetch: FetchLike = (input, init) =>
  new Promise<FetchReply>((resolve, reject) => {
    const url = new URL(input);
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") {
      reject(new TypeError(`unsupported protocol ${url.protocol}`));
      return;
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const body = typeof init.body === "string" ? init.body : undefined;
    if (init.body !== undefined && init.body !== null && body === undefined) {
      reject(new TypeError("httpFetch sends string bodies only"));
      return;
    }
    const headers: Record<string, string> = { ...(init.headers as Record<string, string> | undefined) };
    if (body !== undefined) headers["content-length"] = String(Buffer.byteLength(body));
    const options = { method: init.method ?? "GET", headers, agent: secure ? agents.https : agents.http };
    const req = (secure ? httpsRequest : httpRequest)(url, options);
    let response: IncomingMessage | undefined;
    const onAbort = () => {
      const reason = signal?.reason ?? new Error("aborted");
      req.destroy(reason);
      response?.destroy(reason);
      reject(reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const done = () => signal?.removeEventListener("abort", onAbort);
    req.on("error", (error) => {
      done();
      reject(error);
    });
    req.on("response", (res) => {
      response = res;
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        res.resume();
        done();
        reject(new TypeError(`redirect refused (${status})`));
        return;
      }
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", (error) => {
        done();
        reject(error);
      });
      res.on("end", () => {
        done();
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status, text: () => Promise.resolve(text) });
      });
    });
    req.end(body);
  });

/** GETs on node's HTTP client (the read behind every webhook); every other method on the global fetch. */
export const readsOnNodeHttp: FetchLike = (input, init) =>
  (init.method ?? "GET") === "GET" ? httpFetch(input, init) : fetch(input, init);
