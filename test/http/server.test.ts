import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, type HttpServer } from "../../src/http/server.ts";
import { silentLogger } from "../../src/log/logger.ts";

/**
 * Sends `raw` on a real socket and collects what comes back until the server closes the connection, or until
 * `giveUpMs` passes (then `closedByServer` is false and the socket is dropped by the test).
 */
function rawExchange(url: string, raw: string, giveUpMs = 5_000): Promise<{ text: string; closedByServer: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(raw));
    let text = "";
    const giveUp = setTimeout(() => {
      socket.removeAllListeners("close");
      socket.destroy();
      resolve({ text, closedByServer: false });
    }, giveUpMs);
    socket.on("data", (chunk) => {
      text += String(chunk);
    });
    socket.on("error", reject);
    socket.on("close", () => {
      clearTimeout(giveUp);
      resolve({ text, closedByServer: true });
    });
  });
}

describe("pagobot's HTTP server", () => {
  let http: HttpServer | undefined;
  afterEach(async () => {
    await http?.close();
    http = undefined;
  });

  async function start(options: Parameters<typeof createHttpServer>[1] = {}) {
    http = createHttpServer(silentLogger, options);
    const bodies: string[] = [];
    http.mount("/upload", async (req, res) => {
      let body = "";
      for await (const chunk of req) body += String(chunk);
      bodies.push(body);
      res.writeHead(200).end("stored\n");
    });
    http.mount("/events", (req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      const timer = setInterval(() => res.write("data: tick\n\n"), 50);
      req.on("close", () => clearInterval(timer));
    });
    http.mount("/hook", (_req, res, url) => {
      const id = decodeURIComponent(url.pathname.slice("/hook/".length));
      res.writeHead(200).end(`hook ${id}\n`);
    });
    http.mount("/broken", () => {
      throw new Error("database on fire");
    });
    http.mount("/query", (_req, res, url) => {
      const query = decodeURIComponent(url.search.slice(1));
      res.writeHead(200).end(`q=${query}\n`);
    });
    return { url: await http.listen(0), bodies };
  }

  it("answers 408 and closes the connection of a client that stops sending its body half way", async () => {
    const { url, bodies } = await start({ requestTimeoutMs: 600, headersTimeoutMs: 300 });
    const { text, closedByServer } = await rawExchange(
      url,
      "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\nonly-a-few-bytes",
    );
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(closedByServer).toBe(true);
    expect(bodies).toEqual([]);
  });

  it("answers 408 to a client that never finishes its headers", async () => {
    const { url } = await start({ requestTimeoutMs: 600, headersTimeoutMs: 300 });
    const { text, closedByServer } = await rawExchange(url, "GET /hook/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 408 Request Timeout");
    expect(closedByServer).toBe(true);
  });

  it("still takes a body sent in pieces that arrives whole within the limit", async () => {
    const { url, bodies } = await start({ requestTimeoutMs: 2_000, headersTimeoutMs: 1_000 });
    const { hostname, port } = new URL(url);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(
          "POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 10\r\n\r\nhello",
        );
        setTimeout(() => socket.write("world"), 200);
      });
      let text = "";
      socket.on("data", (chunk) => {
        text += String(chunk);
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    expect(reply.split("\r\n")[0]).toBe("HTTP/1.1 200 OK");
    expect(bodies).toEqual(["helloworld"]);
  });

  it("keeps an event stream open well past the request timeout", async () => {
    const { url } = await start({ requestTimeoutMs: 300, headersTimeoutMs: 200 });
    const controller = new AbortController();
    const response = await fetch(`${url}/events`, { signal: controller.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const started = Date.now();
    let events = 0;
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error("no body");
    // Three times the request timeout, and Node's check runs several times meanwhile: the stream must go on.
    while (Date.now() - started < 1_200) {
      const { value, done } = await reader.read();
      expect(done).toBe(false);
      events += (new TextDecoder().decode(value).match(/data: tick/g) ?? []).length;
    }
    controller.abort();
    expect(events).toBeGreaterThan(5);
  });

  it("sets finite request and header timeouts by default", () => {
    http = createHttpServer(silentLogger);
    expect(http.server.requestTimeout).toBe(60_000);
    expect(http.server.headersTimeout).toBe(15_000);
  });

  it("answers 400, not 500, to a path with broken percent-encoding, and still serves a well-encoded one", async () => {
    const { url } = await start();
    const bad = await fetch(`${url}/hook/%E0%A4%A`);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toBe("bad request\n");
    const good = await fetch(`${url}/hook/caf%C3%A9`);
    expect(good.status).toBe(200);
    expect(await good.text()).toBe("hook café\n");
  });

  it("answers 400 when a handler meets broken percent-encoding elsewhere, such as the query", async () => {
    const { url } = await start();
    const { text } = await rawExchange(
      url,
      "GET /query?%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
  });

  it("answers 500 without details when a handler fails", async () => {
    const { url } = await start();
    const response = await fetch(`${url}/broken`);
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("internal error\n");
  });

  it("refuses a request target that is not a path", async () => {
    const { url } = await start();
    const { text } = await rawExchange(
      url,
      "GET //evil.example/hook/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
    );
    expect(text.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
  });
});
