import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { FetchLike, FetchReply } from "./transport.ts";

/** Connections kept open per DropPay host, and how many requests may use one host at once. */
const KEEP_ALIVE_MS = 10_000;
const MAX_SOCKETS = 64;

const agents = {
  http: new HttpAgent({ keepAlive: true, keepAliveMsecs: KEEP_ALIVE_MS, maxSockets: MAX_SOCKETS }),
  https: new HttpsAgent({ keepAlive: true, keepAliveMsecs: KEEP_ALIVE_MS, maxSockets: MAX_SOCKETS }),
};

/**
 * The transport's `fetch` on node's own HTTP client with keep-alive agents: one request and its whole answer as
 * text. What the transport asks of fetch and nothing more: the method, headers and body go out as given, the
 * signal aborts the exchange (answer and body), and a redirect is refused (rejects, as fetch's `redirect: "error"`
 * does), never followed. The global fetch spent several times the CPU of the request itself on each call (a
 * DropPay read per webhook: its Request, Headers and Response objects and the body's web stream).
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
