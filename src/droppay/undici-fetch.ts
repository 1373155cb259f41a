import { Agent, type Dispatcher, request } from "undici";
import type { FetchLike, FetchReply } from "./transport.ts";

/**
 * DropPay's connections: kept alive, up to 64 per host. undici retires an idle connection ahead of the server's
 * own idle timeout (the `Keep-Alive: timeout=` it announces, less `keepAliveTimeoutThreshold`; 4 s when it announces
 * none), so a request rarely goes out on a connection the server is closing. This is what the global fetch does
 * too (it is undici), without building a Request, Headers, Response and a web-stream body for every call.
 */
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 4_000, keepAliveTimeoutThreshold: 1_000 });

/**
 * The transport's `fetch` on undici's `request`: one exchange and its whole answer as text. The method, headers and
 * string body go out as given, the signal aborts the exchange (answer and body), and a redirect is refused (it
 * rejects, as fetch's `redirect: "error"` does), never followed: a bearer token never goes to another address.
 * The global fetch cost several times the CPU of the exchange itself on each call, and there is a DropPay read
 * behind every webhook.
 */
export const dropPayFetch: FetchLike = async (input, init) => {
  if (init.body !== undefined && init.body !== null && typeof init.body !== "string") {
    throw new TypeError("DropPay requests carry string bodies only");
  }
  const answer = await request(input, {
    method: (init.method ?? "GET") as Dispatcher.HttpMethod,
    headers: init.headers as Record<string, string> | undefined,
    body: init.body ?? null,
    signal: init.signal ?? undefined,
    dispatcher,
  });
  if (answer.statusCode >= 300 && answer.statusCode < 400) {
    await answer.body.dump();
    throw new TypeError(`redirect refused (${answer.statusCode})`);
  }
  const text = await answer.body.text();
  const reply: FetchReply = { status: answer.statusCode, text: () => Promise.resolve(text) };
  return reply;
};
