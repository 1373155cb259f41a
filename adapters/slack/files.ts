import { FileAccessError, FileTooLargeError } from "../../src/engine/ports.ts";
import { readCappedBody } from "../../src/http/read-capped-body.ts";
import type { ReplayableFile } from "../../src/inbox/accepted-event.ts";
import { SlackDownloadError } from "./errors.ts";

/** What an event (files[] of a message, a modal's file_input) says about a file, before anything is fetched. */
export interface SlackFileDescriptor {
  readonly id: string;
  readonly name?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly url_private_download?: string;
  /** Slack Connect files arrive as stubs ("check_file_info"): files.info tells the rest. */
  readonly file_access?: string;
}

export interface SlackFileOptions {
  /** The bot token (xoxb-…): private file URLs demand it as a bearer. */
  readonly token: string;
  /** files.info, for stubs that carry no URL. */
  readonly fileInfo: (id: string) => Promise<SlackFileDescriptor | undefined>;
  /** Gives up on a download that takes longer (a stalled connection must not hold a scan forever). */
  readonly timeoutMs?: number;
}

/** The media types pagobot reads; anything else shared in a channel is someone else's business. */
export function isNoticeFile(file: SlackFileDescriptor): boolean {
  const type = (file.mimetype ?? "").toLowerCase();
  return type.startsWith("image/") || type === "application/pdf";
}

/**
 * A Slack file as the engine sees it. `download` refuses before a byte is fetched when the announced size is over
 * the cap, sends the bot token as a bearer, refuses Slack's HTML sign-in page (missing files:read: FileAccessError),
 * and stops
 * reading as soon as the bytes pass the cap.
 */
export function createSlackFile(descriptor: SlackFileDescriptor, options: SlackFileOptions): ReplayableFile {
  return {
    // What the inbox keeps to fetch the file again after a restart: its id and private URL (never the token).
    source: descriptor,
    ...(descriptor.name === undefined ? {} : { name: descriptor.name }),
    ...(descriptor.mimetype === undefined ? {} : { mimeType: descriptor.mimetype }),
    ...(descriptor.size === undefined ? {} : { sizeBytes: descriptor.size }),
    async download(maxBytes) {
      if (descriptor.size !== undefined && descriptor.size > maxBytes) throw new FileTooLargeError(maxBytes);
      let file = descriptor;
      if (file.file_access === "check_file_info" || (file.url_private_download ?? file.url_private) === undefined) {
        file =
          (await options.fileInfo(descriptor.id).catch((error: unknown) => {
            throw new SlackDownloadError("files.info failed", { cause: error });
          })) ?? descriptor;
        if (file.size !== undefined && file.size > maxBytes) throw new FileTooLargeError(maxBytes);
      }
      const url = file.url_private_download ?? file.url_private;
      if (url === undefined) throw new SlackDownloadError("Slack gave no URL for the file");
      return await fetchCapped(url, maxBytes, options);
    },
  };
}

async function fetchCapped(url: string, limit: number, options: SlackFileOptions): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${options.token}` },
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch (error) {
    throw new SlackDownloadError("file download failed", { cause: kindOf(error) });
  }
  if (!response.ok || response.body === null) {
    await response.body?.cancel();
    throw new SlackDownloadError(`file download answered ${response.status}`);
  }
  if ((response.headers.get("content-type") ?? "").toLowerCase().startsWith("text/html")) {
    // Slack's sign-in page, served with 200 instead of the file: no file is HTML, and scanning it helps nobody.
    // The engine tells the person why (the app lacks files:read), once per message.
    await response.body.cancel();
    throw new FileAccessError("Slack served its sign-in page instead of the file (is files:read granted?)");
  }
  return readCappedBody(response.headers, response.body, limit, {
    tooLarge: () => new FileTooLargeError(limit),
    brokeOff: (cause) => new SlackDownloadError("file download broke off", { cause: kindOf(cause) }),
  });
}

/** fetch errors can quote the URL; keep only the kind of failure. */
function kindOf(error: unknown): Error {
  if (!(error instanceof Error)) return new Error("download failed");
  const cause = error.cause instanceof Error ? ` (${error.cause.name})` : "";
  return new Error(`${error.name}${cause}`);
}

/** The descriptor the inbox kept (`source`), checked before it is trusted again. */
export function slackDescriptorFrom(source: unknown): SlackFileDescriptor {
  const d = (source ?? {}) as Partial<Record<keyof SlackFileDescriptor, unknown>>;
  if (typeof d.id !== "string") throw new SlackDownloadError("a kept file has no id");
  const text = (key: keyof SlackFileDescriptor) => (typeof d[key] === "string" ? { [key]: d[key] } : {});
  return {
    id: d.id,
    ...text("name"),
    ...text("mimetype"),
    ...text("url_private"),
    ...text("url_private_download"),
    ...text("file_access"),
    ...(typeof d.size === "number" ? { size: d.size } : {}),
  };
}
