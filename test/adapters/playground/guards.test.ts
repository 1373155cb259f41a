import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createPlaygroundAdapter } from "../../../adapters/playground/index.ts";
import { createHttpServer } from "../../../src/http/server.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { anna, startPlayground } from "./harness.ts";
import { ScriptedEngine } from "./scripted-engine.ts";

// The playground has no login: it trusts that only this machine reaches it. These are the ways a web page the
// person visits could still reach it, each refused (src/http/request-guards.ts).

/** A raw request with any Host header (fetch will not send a foreign one). */
function raw(
  url: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, {
      method: options.method ?? "GET",
      headers: { ...(options.host === undefined ? {} : { host: options.host }), ...options.headers },
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

describe("playground request guards", () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it("serves the page and the API only to loopback names and configured hosts (DNS rebinding)", async () => {
    const engine = new ScriptedEngine();
    const http = createHttpServer(silentLogger);
    createPlaygroundAdapter({ engine, http, logger: silentLogger, allowedHosts: ["https://pay.example.org"] });
    const url = await http.listen(0);
    close = () => http.close();
    for (const host of ["evil.example", "127.0.0.1.nip.io:3000", "attacker.test:3000"]) {
      const answer = await raw(`${url}/`, { host });
      expect([host, answer.status, answer.body]).toEqual([host, 403, '{"error":"forbidden_host"}']);
      expect((await raw(`${url}/api/events?chatId=s1`, { host })).status).toBe(403);
    }
    for (const host of ["localhost:3000", "127.0.0.1:3000", "[::1]:3000", "pay.example.org"]) {
      expect((await raw(`${url}/`, { host })).status, host).toBe(200);
    }
  });

  it("refuses what another site's page can send without asking: forms, text/plain, and its Origin", async () => {
    const app = await startPlayground();
    close = app.close;
    const body = JSON.stringify({ ...anna, text: "ciao" });
    const post = (headers: Record<string, string>) =>
      raw(`${app.url}/api/messages`, { method: "POST", headers, body }).then((r) => r.status);
    expect(await post({ "content-type": "text/plain" })).toBe(415);
    expect(await post({ "content-type": "application/x-www-form-urlencoded" })).toBe(415);
    expect(await post({ "content-type": "application/json", origin: "https://evil.example" })).toBe(403);
    expect(await post({ "content-type": "application/json", "sec-fetch-site": "cross-site" })).toBe(403);
    expect(app.engine.events).toEqual([]);
    const host = new URL(app.url).host;
    expect(await post({ "content-type": "application/json", origin: `http://${host}` })).toBe(200);
    expect(app.engine.events).toHaveLength(1);
  });

  it("takes a file only with the page's own header, which no other site can send without a preflight", async () => {
    const app = await startPlayground();
    close = app.close;
    const query = new URLSearchParams({ ...anna });
    const form = await raw(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data; boundary=x" },
      body: Buffer.alloc(100),
    });
    expect(form.status).toBe(415);
    expect(app.engine.events).toEqual([]);
  });

  it("receives at most a few uploads at once per client, answering 429 beyond, and frees the slots after", async () => {
    const app = await startPlayground({ uploadSlots: { perClient: 2, total: 4 } });
    close = app.close;
    const query = new URLSearchParams({ ...anna });
    // Two uploads that announce 1 000 bytes and send 10: they hold their slots while the server waits for the rest.
    const hold = () => {
      const req = request(`${app.url}/api/files?${query}`, {
        method: "POST",
        headers: { "content-type": "image/png", "content-length": "1000", "x-file-name": "a.png" },
      });
      req.on("error", () => {});
      req.write(Buffer.alloc(10));
      return req;
    };
    const held = [hold(), hold()];
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await raw(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "image/png", "x-file-name": "b.png" },
      body: Buffer.alloc(10),
    });
    expect([third.status, third.body]).toEqual([429, '{"error":"too_many_uploads"}']);
    for (const req of held) req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const after = await raw(`${app.url}/api/files?${query}`, {
      method: "POST",
      headers: { "content-type": "image/png", "x-file-name": "c.png" },
      body: Buffer.alloc(10),
    });
    expect(after.status).toBe(200);
  });

  it("drops a JSON body that stalls instead of holding the request open", async () => {
    const app = await startPlayground({ bodyIdleMs: 200 });
    close = app.close;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${app.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": "500" },
      });
      req.on("response", (res) => resolve(res.statusCode ?? 0));
      req.on("error", () => resolve(-1));
      req.on("close", () => resolve(-1));
      req.write('{"text": "');
      setTimeout(() => reject(new Error("still open after 3 s")), 3000).unref();
    });
    // The connection is dropped (or answered 408): either way, not held open.
    expect([408, -1]).toContain(status);
  });
});
