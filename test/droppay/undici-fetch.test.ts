import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { staticTokenSource } from "../../src/droppay/auth/token-source.ts";
import { createDropPayClient } from "../../src/droppay/client.ts";
import { DropPayNetworkError } from "../../src/droppay/errors.ts";
import { silentLogger } from "../../src/log/logger.ts";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

/** A server on loopback that answers every request with `answer`, and counts what it got. */
async function serve(answer: (url: string, res: import("node:http").ServerResponse) => void) {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    answer(req.url ?? "", res);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

describe("DropPay's client over undici's request", () => {
  it("refuses a redirect instead of following it (a token never goes to another address)", async () => {
    const elsewhere = await serve((_url, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
    const droppay = await serve((url, res) => res.writeHead(302, { location: `${elsewhere.url}${url}` }).end());
    const client = createDropPayClient({ baseUrl: droppay.url, logger: silentLogger, sleep: async () => {} });
    const error = await client.getForm(staticTokenSource("secret"), "PPA000000000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DropPayNetworkError);
    expect(error).toMatchObject({ code: "droppay_connection_failed", route: "get" });
    expect(droppay.seen.length).toBeGreaterThan(0);
    expect(elsewhere.seen).toEqual([]);
  });
});
