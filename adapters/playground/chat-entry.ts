import type { View } from "../../src/engine/views.ts";

/** What a person sent, as the page shows it back (the file's bytes are never kept). */
export interface PersonContent {
  readonly text?: string;
  readonly file?: { readonly name: string; readonly mimeType: string; readonly sizeBytes: number };
}

/** One message of a playground chat: from the bot (a view, edited in place) or from a person. */
export type ChatEntry =
  | { readonly id: string; readonly author: "bot"; readonly view: View; readonly replyTo?: string }
  | ({
      readonly id: string;
      readonly author: "person";
      readonly sender: { userId: string; name: string };
    } & PersonContent);
