// The floor for bench:webhooks: a bare listener doing only what any listener must for one PAID webhook, inline
// before it answers: check the basic-auth credentials (an HMAC of the form id, compared in constant time), read
// the form from DropPay (the body is never trusted), remember its status once in Redis (SET NX), and post the
// message to the chat. No engine, no outbox, no card.
import { timingSafeEqual } from "node:crypto";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { namespaced } from "../../src/store/namespaced-kv.ts";
import { createRedisKv } from "../../src/store/redis-kv.ts";
import { parseBasicAuth } from "../../src/webhooks/verify-basic-auth.ts";
import { floorPassword, serveDriver } from "./protocol.ts";

const env = (name: string) => process.env[name] ?? "";
const key = Buffer.from(env("BENCH_AUTH_KEY"), "base64url");
const sandboxUrl = env("BENCH_SANDBOX_URL");
const accessToken = env("BENCH_ACCESS_TOKEN");
const botApi = env("BENCH_BOT_API");
const kv = namespaced(createRedisKv(env("BENCH_REDIS_URL")), env("BENCH_NAMESPACE"));

const PREFIX = "/droppay/hook/payment/";
/** node:http with kept-alive connections: the cheapest HTTP client Node has (fetch costs more CPU per call). */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(url: string, options: { method: string; headers: Record<string, string>; body?: string }) {
  return new Promise<string>((resolve, reject) => {
    const req = request(url, { ...options, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

const server = createServer((req, res) => {
  void (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const id = decodeURIComponent(req.url?.startsWith(PREFIX) ? req.url.slice(PREFIX.length) : "");
    const auth = parseBasicAuth(req.headers.authorization);
    const expected = Buffer.from(floorPassword(key, id));
    const given = Buffer.from(auth?.password ?? "");
    if (id === "" || auth?.user !== id || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    // The URL names the notice (the form id is not known when its webhook URL is made); the body names the form,
    // and only the GET, whose notice must be the URL's, is believed.
    const formId = String((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { id?: unknown }).id ?? "");
    const form = JSON.parse(
      await call(`${sandboxUrl}/payments/v3/methods/pagopa/form/${encodeURIComponent(formId)}`, {
        method: "GET",
        headers: { authorization: `Bearer ${accessToken}` },
      }),
    ) as { status?: string; description?: string; codice_avviso?: string };
    const chatId = /chat:(-?\d+)/.exec(form.description ?? "")?.[1];
    const ours = form.codice_avviso?.endsWith(id) === true;
    if (
      form.status === "PAID" &&
      ours &&
      chatId !== undefined &&
      (await kv.setIfAbsent(`${id}:PAID`, "1", 86_400_000))
    ) {
      await call(`${botApi}/sendMessage`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ chat_id: chatId, text: `✅ Pagato ${id}` }),
      });
    }
    res.writeHead(204).end();
  })().catch((error: unknown) => {
    process.stderr.write(`floor: ${String(error)}\n`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
serveDriver({
  stop: async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await kv.close();
  },
});
process.send?.({ type: "up", url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
