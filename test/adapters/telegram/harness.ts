import { Jimp } from "jimp";
import {
  createTelegramAdapter,
  type TelegramAdapter,
  type TelegramWebhookOptions,
} from "../../../adapters/telegram/index.ts";
import { createHttpServer, type HttpServer } from "../../../src/http/server.ts";
import type { FileRebuilder } from "../../../src/inbox/accepted-event.ts";
import { silentLogger } from "../../../src/log/logger.ts";
import { startTelegramPeer, type TelegramPeer, type TelegramPeerOptions } from "../../peers/telegram/peer.ts";
import { RecordingEngine } from "./recording-engine.ts";

export interface Harness {
  readonly peer: TelegramPeer;
  readonly engine: RecordingEngine;
  readonly adapter: TelegramAdapter;
  /** How the adapter told the inbox to fetch its files again after a restart, by platform. */
  readonly rebuilders: ReadonlyMap<string, FileRebuilder>;
  readonly http?: HttpServer;
  readonly httpUrl?: string;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  readonly webhook?: boolean;
  readonly peer?: TelegramPeerOptions;
  readonly albumWindowMs?: number;
}

/** A Telegram adapter wired to the loopback Bot API peer and a recording engine double. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const peer = await startTelegramPeer(options.peer);
  const engine = new RecordingEngine();
  let http: HttpServer | undefined;
  let httpUrl: string | undefined;
  let webhook: TelegramWebhookOptions | undefined;
  if (options.webhook === true) {
    http = createHttpServer(silentLogger);
    httpUrl = await http.listen(0);
    webhook = { url: `${httpUrl}/telegram/hook`, secret: "test-secret_123", http };
  }
  const rebuilders = new Map<string, FileRebuilder>();
  const adapter = createTelegramAdapter({
    token: peer.token,
    apiRoot: peer.apiRoot,
    engine,
    logger: silentLogger,
    albumWindowMs: options.albumWindowMs ?? 150,
    inbox: { replayFiles: (platform, rebuild) => rebuilders.set(platform, rebuild) },
    ...(webhook === undefined ? {} : { webhook }),
  });
  await adapter.start();
  return {
    peer,
    engine,
    adapter,
    rebuilders,
    ...(http === undefined ? {} : { http }),
    ...(httpUrl === undefined ? {} : { httpUrl }),
    async stop() {
      await adapter.stop();
      await engine.drain();
      await http?.close();
      await peer.stop();
    },
  };
}

/** A small PNG of the given size (its bytes only need to be a real image for the peer's photo sizes). */
export async function pngOf(width: number, height: number, color = 0x3366ccff): Promise<Uint8Array> {
  const image = new Jimp({ width, height, color });
  return new Uint8Array(await image.getBuffer("image/png"));
}
