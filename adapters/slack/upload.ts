import type { webApi } from "@slack/bolt";
import type { View } from "../../src/engine/views.ts";

export type DocumentView = Extract<View, { type: "document" }>;

/** What a completed upload says about where each file was shared: the message ts per channel. */
interface Shares {
  readonly public?: Readonly<Record<string, readonly { readonly ts?: string }[]>>;
  readonly private?: Readonly<Record<string, readonly { readonly ts?: string }[]>>;
}

/**
 * Shares a document (a payment's PDF receipt) as a real file in a channel, in `thread`'s thread when given, with
 * the caption as its comment. files.uploadV2 runs Slack's three steps (getUploadURLExternal, the POST of the
 * bytes, completeUploadExternal) and needs files:write. Returns the sharing message's ts, or the file id when
 * Slack has not shared it yet (its sharing is asynchronous and `shares` can come back empty).
 */
export async function uploadDocument(
  client: webApi.WebClient,
  channel: string,
  view: DocumentView,
  thread: string | undefined,
): Promise<string> {
  const result = await client.files.uploadV2({
    file: Buffer.from(view.base64, "base64"),
    filename: view.fileName,
    title: view.fileName,
    initial_comment: view.caption,
    ...(thread === undefined ? { channel_id: channel } : { channel_id: channel, thread_ts: thread }),
  });
  // uploadV2 answers one completeUploadExternal response per destination, each listing its files.
  const completions = (result as { files?: readonly { files?: readonly { id?: string; shares?: Shares }[] }[] }).files;
  const file = completions?.[0]?.files?.[0];
  const ts = file?.shares?.public?.[channel]?.[0]?.ts ?? file?.shares?.private?.[channel]?.[0]?.ts;
  if (ts !== undefined) return ts;
  if (file?.id === undefined) throw new Error("files.uploadV2 returned no file");
  return file.id;
}
