import { request } from "node:http";
import { createPlaygroundAdapter, type PlaygroundAdapterOptions } from "../../../adapters/playground/index.ts";
import { createHttpServer } from "../../../src/http/server.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { ScriptedEngine } from "./scripted-engine.ts";

/** A playground on a real loopback HTTP server, driven by the scripted engine. */
export async function startPlayground(
  options: Partial<Omit<PlaygroundAdapterOptions, "engine" | "http" | "logger">> = {},
) {
  const engine = new ScriptedEngine();
  const http = createHttpServer(silentLogger);
  const playground = createPlaygroundAdapter({ engine, http, logger: silentLogger, ...options });
  const url = await http.listen(0);
  return { engine, http, playground, url, close: () => http.close() };
}

/** Reads a server-sent-events stream: `next(type)` waits for the next event of that type. */
export async function openEvents(url: string) {
  const controller = new AbortController();
  const response = await fetch(url, { signal: controller.signal });
  if (response.body === null) throw new Error(`no stream: ${response.status}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const queue: { event: string; data: unknown }[] = [];
  let buffer = "";
  const pull = async () => {
    const { value, done } = await reader.read();
    if (done) throw new Error("stream closed");
    buffer += value;
    let end = buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (event !== undefined && data !== undefined) queue.push({ event, data: JSON.parse(data) });
      end = buffer.indexOf("\n\n");
    }
  };
  return {
    headers: response.headers,
    async next<T = Record<string, unknown>>(type: string): Promise<T> {
      for (;;) {
        const at = queue.findIndex((e) => e.event === type);
        if (at >= 0) return queue.splice(at, 1)[0]?.data as T;
        await pull();
      }
    },
    close: () => controller.abort(),
  };
}

/** POSTs JSON and returns status and parsed body. */
export async function postJson(url: string, body: unknown) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * Sends a request announcing `announcedBytes` but writing only `sentBytes`, and resolves with the status as soon
 * as the server answers: a server that tried to read the whole body would never answer.
 */
export function postPartially(url: string, announcedBytes: number, sentBytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "image/jpeg", "content-length": String(announcedBytes), "x-file-name": "big.jpg" },
    });
    req.on("response", (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      req.destroy();
    });
    req.on("error", reject);
    req.write(Buffer.alloc(sentBytes));
  });
}

/** The envelope of a person in a private chat. */
export const anna = { chatId: "s1", kind: "private", userId: "s1.anna", name: "Anna", locale: "it" } as const;
