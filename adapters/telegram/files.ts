import { open } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { type Telegram, TelegramError } from "telegraf";
import { FileTooLargeError } from "../../src/engine/ports.ts";
import { readCappedBody } from "../../src/http/read-capped-body.ts";
import type { ReplayableFile } from "../../src/inbox/accepted-event.ts";
import { TelegramDownloadError } from "./errors.ts";

/** Bot API: getFile serves files of at most 20 MB (core.telegram.org/bots/api#getfile). */
export const BOT_API_DOWNLOAD_LIMIT = 20 * 1024 * 1024;

/** What an update says about a file, before anything is downloaded. */
export interface FileDescriptor {
  readonly fileId: string;
  readonly sizeBytes?: number;
  readonly mimeType?: string;
  readonly name?: string;
}

export interface FileDownloadOptions {
  /** Gives up on a download that takes longer (a stalled connection must not hold a scan forever). */
  readonly timeoutMs?: number;
}

/**
 * A Telegram file as the engine sees it. `download` refuses before getFile when the announced size is over the
 * cap (the smaller of the engine's and the Bot API's 20 MB), and stops reading as soon as the bytes pass it.
 */
export function createTelegramFile(
  telegram: Telegram,
  descriptor: FileDescriptor,
  options: FileDownloadOptions = {},
): ReplayableFile {
  return {
    // What the inbox keeps to fetch the file again after a restart: the file_id is enough (never the token).
    source: descriptor,
    ...(descriptor.name === undefined ? {} : { name: descriptor.name }),
    ...(descriptor.mimeType === undefined ? {} : { mimeType: descriptor.mimeType }),
    ...(descriptor.sizeBytes === undefined ? {} : { sizeBytes: descriptor.sizeBytes }),
    async download(maxBytes) {
      const limit = Math.min(maxBytes, BOT_API_DOWNLOAD_LIMIT);
      if (descriptor.sizeBytes !== undefined && descriptor.sizeBytes > limit) throw new FileTooLargeError(limit);
      const file = await telegram.getFile(descriptor.fileId).catch((error: unknown) => {
        if (error instanceof TelegramError && /file is too big/i.test(error.description)) {
          throw new FileTooLargeError(limit, { cause: error });
        }
        throw new TelegramDownloadError("getFile failed", { cause: error });
      });
      if (file.file_size !== undefined && file.file_size > limit) throw new FileTooLargeError(limit);
      if (file.file_path === undefined) throw new TelegramDownloadError("getFile gave no file_path");
      const link = await telegram.getFileLink(file);
      return link.protocol === "file:"
        ? await readLocalFile(link, limit)
        : await fetchCapped(link, limit, options.timeoutMs ?? 60_000);
    },
  };
}

/** Streams the file and stops at `limit` bytes; the link holds the token, so it never goes into an error. */
async function fetchCapped(link: URL, limit: number, timeoutMs: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(link, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new TelegramDownloadError("file download failed", { cause: sanitize(error) });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new TelegramDownloadError(`file download answered ${response.status}`);
  }
  return readCappedBody(response.headers, response.body, limit, {
    tooLarge: () => new FileTooLargeError(limit),
    brokeOff: (cause) => new TelegramDownloadError("file download broke off", { cause: sanitize(cause) }),
  });
}

/** A local Bot API server (`telegram-bot-api --local`) answers absolute paths: read the file directly. */
async function readLocalFile(link: URL, limit: number): Promise<Uint8Array> {
  const handle = await open(fileURLToPath(link), "r").catch((error: unknown) => {
    throw new TelegramDownloadError("local Bot API file cannot be opened", { cause: error });
  });
  try {
    const { size } = await handle.stat();
    if (size > limit) throw new FileTooLargeError(limit);
    const bytes = new Uint8Array(size);
    await handle.read(bytes, 0, size, 0);
    return bytes;
  } finally {
    await handle.close();
  }
}

/** fetch errors can quote the URL, which holds the bot token: keep only the kind of failure. */
function sanitize(error: unknown): Error {
  if (!(error instanceof Error)) return new Error("download failed");
  const cause = error.cause instanceof Error ? ` (${error.cause.name})` : "";
  return new Error(`${error.name}${cause}`);
}

/** The descriptor the inbox kept (`source`), checked before it is trusted again. */
export function descriptorFrom(source: unknown): FileDescriptor {
  const d = (source ?? {}) as Partial<Record<keyof FileDescriptor, unknown>>;
  if (typeof d.fileId !== "string") throw new TelegramDownloadError("a kept file has no file_id");
  return {
    fileId: d.fileId,
    ...(typeof d.sizeBytes === "number" ? { sizeBytes: d.sizeBytes } : {}),
    ...(typeof d.mimeType === "string" ? { mimeType: d.mimeType } : {}),
    ...(typeof d.name === "string" ? { name: d.name } : {}),
  };
}
