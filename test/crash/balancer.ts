import { createServer, type IncomingMessage, type Server } from "node:http";

/**
 * A load balancer on loopback, as a deployment puts in front of its replicas: each request goes to the next
 * replica in turn, and to the other when that one does not answer (dead, or restarting). DropPay's and
 * Telegram's webhooks reach pagobot only through it (PUBLIC_URL, TELEGRAM_WEBHOOK_URL).
 */
export interface Balancer {
  readonly url: string;
  /** Requests each replica answered, by port. */
  readonly served: Map<number, number>;
  close(): Promise<void>;
}

const readBody = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export async function startBalancer(ports: readonly number[]): Promise<Balancer> {
  let next = 0;
  const served = new Map<number, number>();
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const first = next++ % ports.length;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[(first + i) % ports.length] as number;
      try {
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter(([name, v]) => typeof v === "string" && name !== "host"),
        ) as Record<string, string>;
        const answer = await fetch(`http://127.0.0.1:${port}${req.url ?? "/"}`, {
          method: req.method ?? "GET",
          headers,
          ...(body.length > 0 ? { body } : {}),
          signal: AbortSignal.timeout(15_000),
        });
        const bytes = Buffer.from(await answer.arrayBuffer());
        served.set(port, (served.get(port) ?? 0) + 1);
        res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "text/plain" });
        res.end(bytes);
        return;
      } catch {
        // Not answering: try the other replica.
      }
    }
    res.writeHead(502).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    served,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
