import type { IncomingMessage } from "node:http";
import type { IncomingFile } from "../../src/engine/events.ts";
import { FileTooLargeError } from "../../src/engine/ports.ts";
import { PlaygroundError } from "./errors.ts";
import { announcedLength, readBody } from "./read-body.ts";

/** A file a person dropped on the page, ready for the engine, and what the chat shows of it. */
export interface ReceivedUpload {
  readonly file: IncomingFile;
  readonly shown: { readonly name: string; readonly mimeType: string; readonly sizeBytes: number };
  /** True when the file is over the cap: its bytes were never read, and `download` rejects. */
  readonly oversized: boolean;
}

/**
 * Receives one uploaded file (the raw body; Content-Type, X-File-Name, and X-File-Size when the page only
 * announces a file it knows is too big). A file announced over `maxBytes` is not read at all: the engine still
 * gets it, with its announced size, so it can tell the person why it was refused, in their language.
 */
export async function receiveUpload(req: IncomingMessage, maxBytes: number): Promise<ReceivedUpload> {
  const name = fileNameOf(req.headers["x-file-name"]);
  const mimeType = mimeTypeOf(req.headers["content-type"]);
  const declared = Math.max(announcedLength(req) ?? 0, declaredSizeOf(req.headers["x-file-size"]));
  if (declared > maxBytes) return oversized(name, mimeType, declared, maxBytes);
  let bytes: Buffer;
  try {
    bytes = await readBody(req, maxBytes, "upload_too_large");
  } catch (error) {
    // A chunked body that ran past the cap: what was read is a lower bound of its size.
    if (error instanceof PlaygroundError && error.code === "upload_too_large") {
      return oversized(name, mimeType, maxBytes + 1, maxBytes);
    }
    throw error;
  }
  // An empty file goes to the engine like any other: the scanner says it is empty, in the chat, in the person's
  // language (a refusal here would only be a toast, and retrying the same empty file cannot help).
  const file: IncomingFile = {
    name,
    sizeBytes: bytes.length,
    ...(mimeType === undefined ? {} : { mimeType }),
    async download(max) {
      if (bytes.length > max) throw new FileTooLargeError(max);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    },
  };
  return { file, shown: { name, mimeType: mimeType ?? "", sizeBytes: bytes.length }, oversized: false };
}

function oversized(name: string, mimeType: string | undefined, sizeBytes: number, maxBytes: number): ReceivedUpload {
  const file: IncomingFile = {
    name,
    sizeBytes,
    ...(mimeType === undefined ? {} : { mimeType }),
    // Never read, so it cannot be downloaded whatever the engine's own cap.
    download: (max) => Promise.reject(new FileTooLargeError(Math.min(max, maxBytes))),
  };
  return { file, shown: { name, mimeType: mimeType ?? "", sizeBytes }, oversized: true };
}

function fileNameOf(header: string | string[] | undefined): string {
  let name = typeof header === "string" ? header : "";
  try {
    name = decodeURIComponent(name);
  } catch {
    // A malformed escape is not worth refusing the file over: keep the header as it came.
  }
  // Only the last path segment, printable, bounded: the name is shown back in the chat.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const clean = (name.split(/[\\/]/).pop() ?? "").replace(/[\u0000-\u001f\u007f]/g, "").trim();
  return clean === "" ? "file" : clean.slice(0, 120);
}

function mimeTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type !== undefined && /^[a-z]+\/[a-z0-9.+-]{1,80}$/.test(type) ? type : undefined;
}

function declaredSizeOf(header: string | string[] | undefined): number {
  const size = typeof header === "string" ? Number(header) : 0;
  return Number.isSafeInteger(size) && size > 0 ? size : 0;
}
