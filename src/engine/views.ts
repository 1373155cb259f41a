/**
 * What the engine shows, already in the person's language. Each adapter renders views natively (Telegram
 * HTML with an inline keyboard, Slack Block Kit, playground HTML); text is plain, adapters escape it.
 */

/** A button that the engine handles (`ref`, an opaque id of at most 40 characters) or a link (`url`). */
export type Button =
  | { readonly label: string; readonly ref: string; readonly style?: "primary" | "danger" }
  | { readonly label: string; readonly url: string };

/** Rows of buttons, top to bottom. */
export type ButtonRows = readonly (readonly Button[])[];

/** A card's state, so adapters can colour or mark it (Slack attachment colour, an emoji on Telegram). */
export type CardTone = "neutral" | "pending" | "success" | "failure" | "muted";

export interface CardField {
  readonly label: string;
  readonly value: string;
}

export type View =
  | { readonly type: "text"; readonly text: string; readonly buttons?: ButtonRows }
  | {
      readonly type: "card";
      readonly title: string;
      /** Short lines under the title (the status line, a warning). */
      readonly lines?: readonly string[];
      readonly fields: readonly CardField[];
      /** A closing line in small print (e.g. "demo account: no real money moves"). */
      readonly footer?: string;
      readonly tone: CardTone;
      /** Empty when the card has no actions left (paid, cancelled, in progress). */
      readonly buttons: ButtonRows;
    }
  /**
   * A file the bot sends (a payment's PDF receipt): Telegram sendDocument, a download in the playground; a
   * surface that cannot send files shows the caption. Never edited; the bytes travel base64 because a view is
   * stored as JSON in the outbox until it is sent.
   */
  | {
      readonly type: "document";
      readonly caption: string;
      readonly fileName: string;
      readonly mimeType: "application/pdf";
      readonly base64: string;
      readonly buttons?: undefined;
    };

/** The longest `ref` the engine puts on a button (Telegram callback_data is at most 64 bytes). */
export const MAX_BUTTON_REF_LENGTH = 40;
