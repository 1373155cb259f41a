import type { IncomingMessage, ServerResponse } from "node:http";

/** A server-sent-events response: named events with JSON data, and comments that keep proxies from timing out. */
export interface EventStream {
  send(event: string, data: unknown): void;
  /** Runs once, when the page goes away or the server closes the stream. */
  onClose(listener: () => void): void;
}

/** Opens an SSE stream on `res`. The browser's EventSource reconnects by itself after `retryMs`. */
export function openEventStream(
  req: IncomingMessage,
  res: ServerResponse,
  options: { heartbeatMs?: number; retryMs?: number } = {},
): EventStream {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
  res.write(`retry: ${options.retryMs ?? 2000}\n\n`);
  const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  const listeners: (() => void)[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const listener of listeners) listener();
  };
  req.on("close", close);
  res.on("close", close);
  return {
    send(event, data) {
      // JSON.stringify never emits a raw newline, so one data: line carries the whole message.
      if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(listener) {
      listeners.push(listener);
    },
  };
}
