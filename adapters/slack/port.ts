import type { webApi } from "@slack/bolt";
import type { ChatRef } from "../../src/engine/events.ts";
import type { ChatPort, DeliverOptions } from "../../src/engine/ports.ts";
import type { View } from "../../src/engine/views.ts";
import type { Logger } from "../../src/log/logger.ts";
import { platformError, toChatError } from "./errors.ts";
import { renderView } from "./render.ts";
import { type DocumentView, uploadDocument } from "./upload.ts";

export interface SlackPortOptions {
  readonly logger: Logger;
  /** Pacing the engine's outbox applies per channel (Slack: about one message a second per channel). */
  readonly minIntervalMs?: number;
  /** Told when Slack says the app is not in the channel, so that the person who asked hears how to fix it. */
  readonly onNotInChannel?: (channelId: string) => Promise<void>;
}

/** Platform errors that mean "the message to edit cannot be edited": post the view as a new message. */
const NOT_EDITABLE = new Set(["message_not_found", "cant_update_message", "edit_window_closed"]);

/** Delivers engine views as Slack messages: Block Kit with a text fallback, edits with chat.update. */
export function createSlackPort(client: webApi.WebClient, options: SlackPortOptions): ChatPort {
  const { logger } = options;
  let warnedNoFilesWrite = false;

  /** A receipt as a PDF file in the thread; an app installed without files:write shows its caption instead. */
  async function postDocument(to: ChatRef, view: DocumentView, thread: string | undefined): Promise<string> {
    try {
      return await uploadDocument(client, to.chatId, view, thread);
    } catch (error) {
      if (platformError(error) !== "missing_scope") throw error;
      if (!warnedNoFilesWrite) {
        warnedNoFilesWrite = true;
        logger.warn("slack: the app lacks files:write; receipts are sent as text (reinstall from the manifest)", {
          channel: to.chatId,
        });
      }
      return await post(to, { type: "text", text: view.caption }, thread);
    }
  }

  async function post(to: ChatRef, view: View, thread: string | undefined): Promise<string> {
    const message = renderView(view);
    try {
      if (view.type === "document") return await postDocument(to, view, thread);
      const sent = await client.chat.postMessage({
        channel: to.chatId,
        text: message.text,
        blocks: message.blocks,
        ...(message.attachments.length === 0 ? {} : { attachments: message.attachments }),
        ...(thread === undefined ? {} : { thread_ts: thread }),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (typeof sent.ts !== "string") throw new Error("chat.postMessage returned no ts");
      return sent.ts;
    } catch (error) {
      const code = platformError(error);
      if (code === "thread_not_found" && thread !== undefined) return await post(to, view, undefined);
      if ((code === "not_in_channel" || code === "channel_not_found") && options.onNotInChannel !== undefined) {
        await options.onNotInChannel(to.chatId).catch((notifyError: unknown) => {
          logger.warn("slack: could not tell the person to invite the app", { channel: to.chatId, error: notifyError });
        });
      }
      throw error;
    }
  }

  async function edit(to: ChatRef, ts: string, view: View): Promise<string> {
    const message = renderView(view);
    try {
      await client.chat.update({
        channel: to.chatId,
        ts,
        text: message.text,
        blocks: message.blocks,
        // An empty list clears the coloured card a text view replaces.
        attachments: message.attachments,
      });
      return ts;
    } catch (error) {
      if (!NOT_EDITABLE.has(platformError(error) ?? "")) throw error;
      logger.info("slack message cannot be edited; posting a new one", { channel: to.chatId, ts });
      return await post(to, view, undefined);
    }
  }

  async function ephemeral(to: ChatRef, view: View, userId: string, thread: string | undefined): Promise<string> {
    const message = renderView(view);
    const sent = await client.chat.postEphemeral({
      channel: to.chatId,
      user: userId,
      text: message.text,
      blocks: message.blocks,
      ...(message.attachments.length === 0 ? {} : { attachments: message.attachments }),
      ...(thread === undefined ? {} : { thread_ts: thread }),
    });
    return typeof sent.message_ts === "string" ? sent.message_ts : "";
  }

  // About one message a second per channel, with short bursts (a card's edit and its announcement together).
  const pace = options.minIntervalMs === undefined ? undefined : [{ intervalMs: options.minIntervalMs, burst: 2 }];

  return {
    platform: "slack",
    ...(pace === undefined ? {} : { pace: () => pace }),
    async deliver(to: ChatRef, view: View, deliverOptions?: DeliverOptions) {
      try {
        const thread = deliverOptions?.thread ?? deliverOptions?.replyTo;
        if (deliverOptions?.audience !== undefined) {
          return { messageId: await ephemeral(to, view, deliverOptions.audience.userId, thread) };
        }
        const messageId =
          deliverOptions?.replace === undefined
            ? await post(to, view, thread)
            : await edit(to, deliverOptions.replace, view);
        return { messageId };
      } catch (error) {
        throw toChatError(error);
      }
    },
  };
}
