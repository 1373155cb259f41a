/**
 * What a person sees of a Block Kit message, reduced to plain text and buttons, so that tests assert what is
 * shown rather than how it is encoded. Only the block types pagobot uses are read; any other is shown as
 * "[<type>]" so that a surprise is visible in the transcript.
 */

export interface SeenButton {
  readonly text: string;
  readonly actionId: string;
  readonly value?: string;
  readonly url?: string;
  readonly style?: string;
  readonly blockId?: string;
}

export interface SeenMessage {
  /** The text a person reads, line by line (mrkdwn markers removed, entities unescaped). */
  readonly text: string;
  readonly buttons: SeenButton[][];
  /** The colour bar of the first attachment, if any. */
  readonly color?: string;
}

type Json = Record<string, unknown>;

/** Reads a message as Slack's client would draw it: blocks (else the `text`), then each attachment's blocks. */
export function seenMessage(text: string | undefined, blocks: unknown, attachments: unknown): SeenMessage {
  const lines: string[] = [];
  const buttons: SeenButton[][] = [];
  const topBlocks = asArray(blocks);
  if (topBlocks.length > 0) readBlocks(topBlocks, lines, buttons);
  else if (text !== undefined) lines.push(plain(text));
  let color: string | undefined;
  for (const attachment of asArray(attachments)) {
    if (color === undefined && typeof attachment.color === "string") color = attachment.color;
    const inner = asArray(attachment.blocks);
    if (inner.length > 0) readBlocks(inner, lines, buttons);
    else if (typeof attachment.text === "string") lines.push(plain(attachment.text));
  }
  return { text: lines.join("\n"), buttons, ...(color === undefined ? {} : { color }) };
}

function readBlocks(blocks: readonly Json[], lines: string[], buttons: SeenButton[][]): void {
  for (const block of blocks) {
    switch (block.type) {
      case "header":
        lines.push(textOf(block.text));
        break;
      case "section": {
        if (block.text !== undefined) lines.push(textOf(block.text));
        for (const field of asArray(block.fields)) lines.push(textOf(field));
        const accessory = block.accessory as Json | undefined;
        if (accessory?.type === "button") buttons.push([buttonOf(accessory, block.block_id)]);
        break;
      }
      case "context":
        lines.push(
          asArray(block.elements)
            .map((element) => textOf(element))
            .join(" "),
        );
        break;
      case "actions": {
        const row = asArray(block.elements)
          .filter((element) => element.type === "button")
          .map((element) => buttonOf(element, block.block_id));
        if (row.length > 0) buttons.push(row);
        break;
      }
      case "divider":
        break;
      case "input":
        lines.push(textOf(block.label));
        break;
      default:
        lines.push(`[${String(block.type)}]`);
    }
  }
}

function buttonOf(element: Json, blockId: unknown): SeenButton {
  return {
    text: textOf(element.text),
    actionId: String(element.action_id ?? ""),
    ...(typeof element.value === "string" ? { value: element.value } : {}),
    ...(typeof element.url === "string" ? { url: element.url } : {}),
    ...(typeof element.style === "string" ? { style: element.style } : {}),
    ...(typeof blockId === "string" ? { blockId } : {}),
  };
}

function textOf(value: unknown): string {
  if (value === null || typeof value !== "object") return "";
  const text = (value as Json).text;
  if (typeof text !== "string") return "";
  return (value as Json).type === "mrkdwn" ? plain(text) : text;
}

/** mrkdwn as read: *bold* and _italic_ markers gone, Slack's three entities unescaped. */
export function plain(mrkdwn: string): string {
  return mrkdwn
    .replace(/(^|[\s(])\*([^*\n]+)\*(?=$|[\s).,:;!?])/gm, "$1$2")
    .replace(/(^|[\s(])_([^_\n]+)_(?=$|[\s).,:;!?])/gm, "$1$2")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

function asArray(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => v !== null && typeof v === "object") : [];
}
