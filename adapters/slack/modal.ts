import type { types } from "@slack/bolt";
import type { Locale } from "../../src/notice/money.ts";
import type { SlackFileDescriptor } from "./files.ts";
import { slackMessages } from "./messages.ts";

export const MODAL_CALLBACK_ID = "pagobot_notice";
const FILE_BLOCK = "notice_file";
const FILE_ACTION = "files";
const CODES_BLOCK = "notice_codes";
const CODES_ACTION = "codes";
/** Slack's file_input takes up to 10 files of at most 10 MB each; a handful of notices is plenty. */
const MAX_FILES = 5;

/** Where the submission's card goes: the channel /paga was typed in. */
export interface ModalContext {
  readonly channelId: string;
}

/** The modal `/paga` opens: a file input for a photo or PDF, and a text field for the codes. */
export function noticeModal(locale: Locale, context: ModalContext): types.ModalView {
  const m = slackMessages(locale).modal;
  return {
    type: "modal",
    callback_id: MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify(context),
    title: { type: "plain_text", text: m.title },
    submit: { type: "plain_text", text: m.submit },
    close: { type: "plain_text", text: m.close },
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: m.intro } },
      {
        type: "input",
        block_id: FILE_BLOCK,
        optional: true,
        label: { type: "plain_text", text: m.fileLabel },
        element: {
          type: "file_input",
          action_id: FILE_ACTION,
          filetypes: ["jpg", "jpeg", "png", "webp", "heic", "pdf"],
          max_files: MAX_FILES,
        },
      },
      {
        type: "input",
        block_id: CODES_BLOCK,
        optional: true,
        label: { type: "plain_text", text: m.codesLabel },
        element: {
          type: "plain_text_input",
          action_id: CODES_ACTION,
          multiline: true,
          placeholder: { type: "plain_text", text: m.codesPlaceholder },
        },
      },
    ],
  };
}

/** What a person submitted: files, codes, or nothing (then the modal shows an error under the codes field). */
export type Submission =
  | {
      readonly kind: "files";
      readonly context: ModalContext;
      readonly files: readonly SlackFileDescriptor[];
      readonly text?: string;
    }
  | { readonly kind: "text"; readonly context: ModalContext; readonly text: string }
  | { readonly kind: "empty"; readonly errors: Record<string, string> };

interface ViewState {
  readonly private_metadata?: string;
  readonly state?: { readonly values?: Record<string, Record<string, { value?: unknown; files?: unknown }>> };
}

/** Reads a view_submission of the notice modal. */
export function readSubmission(view: ViewState, locale: Locale): Submission | undefined {
  let context: ModalContext;
  try {
    context = JSON.parse(view.private_metadata ?? "") as ModalContext;
  } catch {
    return undefined;
  }
  if (typeof context.channelId !== "string") return undefined;
  const values = view.state?.values ?? {};
  const rawFiles = values[FILE_BLOCK]?.[FILE_ACTION]?.files;
  const files = Array.isArray(rawFiles)
    ? (rawFiles as SlackFileDescriptor[]).filter((f) => typeof f?.id === "string")
    : [];
  const rawText = values[CODES_BLOCK]?.[CODES_ACTION]?.value;
  const text = typeof rawText === "string" ? rawText.trim() : "";
  if (files.length > 0) return { kind: "files", context, files, ...(text === "" ? {} : { text }) };
  if (text !== "") return { kind: "text", context, text };
  return { kind: "empty", errors: { [CODES_BLOCK]: slackMessages(locale).modal.nothingGiven } };
}
