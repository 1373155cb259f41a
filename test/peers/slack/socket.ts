import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type WebSocket, WebSocketServer } from "ws";
import type { PostOutcome } from "./ingress.ts";
import type { PeerState } from "./state.ts";

/** The envelope types Socket Mode carries (docs.slack.dev/apis/events-api/using-socket-mode). */
export type EnvelopeType = "events_api" | "slash_commands" | "interactive";

/**
 * Slack's Socket Mode side: apps.connections.open hands out a one-time ws:// URL, the app connects, gets `hello`,
 * and receives envelopes `{ envelope_id, type, payload, accepts_response_payload, retry_attempt, retry_reason }`
 * that it acknowledges with `{ envelope_id, payload? }`. The peer pings the app, as Slack does, so that its
 * client's server-ping watchdog stays quiet.
 */
export class SocketHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly sockets = new Set<WebSocket>();
  private readonly waiting = new Map<string, (payload: unknown) => void>();
  private readonly pinger: NodeJS.Timeout;
  /** How many connections the app opened (a reconnect shows as a second one). */
  connections = 0;

  constructor(
    private readonly state: PeerState,
    server: Server,
    private readonly baseUrl: () => string,
  ) {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const ticket = /^\/socket-mode\/([A-Za-z0-9_-]+)$/.exec(new URL(req.url ?? "/", "http://peer").pathname)?.[1];
      if (ticket === undefined || !this.tickets.delete(ticket)) {
        socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
    });
    this.pinger = setInterval(() => {
      for (const ws of this.sockets) ws.ping();
    }, 5_000);
    this.pinger.unref();
  }

  /** apps.connections.open: a URL good for one connection. */
  open(): { url: string } {
    const ticket = randomBytes(12).toString("base64url");
    this.tickets.add(ticket);
    return { url: `${this.baseUrl().replace(/^http/, "ws")}/socket-mode/${ticket}` };
  }

  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /** Sends an envelope to the app and waits for its acknowledgement (the ack's payload is the answer's body). */
  async deliver(
    type: EnvelopeType,
    payload: unknown,
    timeoutMs: number,
    retry?: { attempt: number; reason: string },
  ): Promise<PostOutcome> {
    const [ws] = this.sockets;
    if (ws === undefined) return { body: "", failure: "connection_failed" };
    const envelopeId = `${type}-${randomBytes(8).toString("hex")}`;
    const acked = new Promise<unknown>((resolve) => this.waiting.set(envelopeId, resolve));
    ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        ...(retry === undefined ? { retry_attempt: 0 } : { retry_attempt: retry.attempt, retry_reason: retry.reason }),
      }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const outcome = await Promise.race([acked, timeout]);
    clearTimeout(timer);
    this.waiting.delete(envelopeId);
    if (outcome === "timeout") return { body: "", failure: "http_timeout" };
    return { status: 200, body: outcome === undefined ? "" : JSON.stringify(outcome) };
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    this.connections += 1;
    this.sockets.add(ws);
    ws.on("close", () => this.sockets.delete(ws));
    ws.on("message", (data) => {
      let message: { envelope_id?: unknown; payload?: unknown };
      try {
        message = JSON.parse(String(data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message.envelope_id === "string") this.waiting.get(message.envelope_id)?.(message.payload);
    });
    ws.send(
      JSON.stringify({
        type: "hello",
        num_connections: this.sockets.size,
        debug_info: { host: "pagobot-peer", approximate_connection_time: 18_060 },
        connection_info: { app_id: this.state.appId },
      }),
    );
    this.state.emit("socket");
  }
}
