import type { IncomingMessage, ServerResponse } from "node:http";
import { json, type Params, readBody, requireStr, SlackApiError, str } from "./body.ts";
import { channelFor, describeFile } from "./methods.ts";
import type { PeerState } from "./state.ts";

/** An upload's bytes may be this large here (Slack's own limit is 1 GB; pagobot sends small PDFs). */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

type Result = Record<string, unknown>;

/** Slack checks the scope on each of the upload's two Web API calls. */
function requireFilesWrite(state: PeerState): void {
  if (!state.scopes.has("files:write")) throw new SlackApiError("missing_scope");
}

/**
 * files.getUploadURLExternal: reserves a file id and gives a one-off URL (on the peer) to POST its bytes to.
 * Slack wants the name and the exact length up front.
 */
export function getUploadUrlExternal(state: PeerState, params: Params, baseUrl: string): Result {
  requireFilesWrite(state);
  const filename = requireStr(params, "filename");
  const length = Number(requireStr(params, "length"));
  if (!Number.isInteger(length) || length <= 0) throw new SlackApiError("invalid_arguments");
  const id = state.newId("F");
  state.uploads.set(id, { id, filename, length });
  return { upload_url: `${baseUrl}/upload/v1/${id}`, file_id: id };
}

/**
 * The POST to an upload_url: the bytes, raw or as multipart/form-data (what @slack/web-api sends, field `body`).
 * Slack answers "OK - <length>" in plain text; a URL it never gave answers 404.
 */
export async function receiveUpload(state: PeerState, req: IncomingMessage, res: ServerResponse, id: string) {
  const upload = state.uploads.get(id);
  if (upload === undefined || upload.bytes !== undefined) {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    return;
  }
  const body = await readBody(req, MAX_UPLOAD_BYTES);
  const type = req.headers["content-type"] ?? "";
  let bytes: Uint8Array = body;
  if (type.toLowerCase().startsWith("multipart/form-data")) {
    const form = await new Request("http://peer/upload", {
      method: "POST",
      headers: { "content-type": type },
      body: new Uint8Array(body),
    }).formData();
    const file = [...form.values()].find((value) => typeof value !== "string");
    if (file === undefined || typeof file === "string") {
      res.writeHead(400, { "content-type": "text/plain" }).end("no file in the form");
      return;
    }
    bytes = new Uint8Array(await file.arrayBuffer());
  }
  upload.bytes = bytes;
  res.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${bytes.length}`);
}

/**
 * files.completeUploadExternal: turns uploaded bytes into files and, with a channel_id, shares them there (in
 * thread_ts's thread) as one message by the bot whose text is initial_comment. The answer lists the files with
 * their `shares` (the message's ts per channel).
 */
export function completeUploadExternal(state: PeerState, params: Params, baseUrl: string): Result {
  requireFilesWrite(state);
  const list = json(params, "files");
  if (!Array.isArray(list) || list.length === 0) throw new SlackApiError("invalid_arguments");
  const wanted = list.map((entry) => {
    const { id, title } = (entry ?? {}) as { id?: unknown; title?: unknown };
    const upload = typeof id === "string" ? state.uploads.get(id) : undefined;
    // Slack refuses to complete a file whose bytes never arrived, or arrived short.
    if (upload?.bytes === undefined || upload.bytes.length !== upload.length) throw new SlackApiError("file_not_found");
    return { upload, bytes: upload.bytes, title: typeof title === "string" && title !== "" ? title : upload.filename };
  });
  const channelId = str(params, "channel_id");
  const channel = channelId === undefined ? undefined : channelFor(state, channelId);
  const threadTs = str(params, "thread_ts");
  if (channel !== undefined && threadTs !== undefined && state.message(channel.id, threadTs) === undefined) {
    throw new SlackApiError("thread_not_found");
  }
  const files = wanted.map(({ upload, bytes, title }) => {
    state.uploads.delete(upload.id);
    const file = {
      id: upload.id,
      name: upload.filename,
      title,
      mimetype: mimeOf(upload.filename),
      filetype: upload.filename.split(".").at(-1)?.toLowerCase() ?? "binary",
      bytes,
      size: bytes.length,
      user: state.botUserId,
      infoCalls: 0,
      downloads: 0,
      loginPages: 0,
    };
    state.files.set(file.id, file);
    return file;
  });
  let share: Record<string, unknown> | undefined;
  if (channel !== undefined) {
    const ts = state.newTs();
    const text = str(params, "initial_comment") ?? "";
    const fileIds = files.map((f) => f.id);
    const message = state.storeMessage({
      channel: channel.id,
      ts,
      user: state.botUserId,
      fromBot: true,
      text,
      files: fileIds,
      ...(threadTs === undefined ? {} : { threadTs }),
    });
    state.record({
      side: "bot",
      kind: "message",
      channel: channel.id,
      ts,
      ...(threadTs === undefined ? {} : { threadTs }),
      text: message.seen.text,
      fallback: text,
      buttons: [],
      files: files.map((f) => f.name),
    });
    const where = channel.kind === "im" ? "private" : "public";
    share = { [where]: { [channel.id]: [{ ts, ...(threadTs === undefined ? {} : { thread_ts: threadTs }) }] } };
  }
  return {
    files: files.map((file) => ({
      ...describeFile(file, state, baseUrl),
      title: file.title,
      ...(share === undefined ? {} : { shares: share }),
    })),
  };
}

function mimeOf(filename: string): string {
  const extension = filename.split(".").at(-1)?.toLowerCase();
  if (extension === "pdf") return "application/pdf";
  if (extension === "png") return "image/png";
  if (extension === "jpg" || extension === "jpeg") return "image/jpeg";
  return "application/octet-stream";
}
