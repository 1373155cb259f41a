import type { ChatMessage, PeerChat, TelegramPeer } from "../../../peers/telegram/peer.ts";

/** What a person sees of one bot message at some moment: its text and its buttons' labels. */
export interface Seen {
  readonly messageId: number;
  readonly text: string;
  readonly buttons: readonly string[];
}

/**
 * Waits until the bot shows, in this chat, a message (new or edited) that passes the test, and returns it as
 * the person saw it at that moment.
 */
export async function botShows(
  peer: TelegramPeer,
  chat: PeerChat,
  test: (seen: Seen) => boolean,
  timeoutMs = 40_000,
): Promise<Seen> {
  const entry = await peer.waitFor(
    (e) =>
      e.chatId === chat.id &&
      e.side === "bot" &&
      (e.kind === "message" || e.kind === "edit") &&
      test(seenOf(e.messageId, e.text, e.buttons)),
    { timeoutMs },
  );
  if (entry.side !== "bot" || (entry.kind !== "message" && entry.kind !== "edit")) throw new Error("unreachable");
  return seenOf(entry.messageId, entry.text, entry.buttons);
}

/** The toast the bot answered a press with. */
export async function toastAfter(peer: TelegramPeer, chat: PeerChat, since: number): Promise<string | undefined> {
  const entry = await peer.waitFor((e) => e.chatId === chat.id && e.side === "bot" && e.kind === "toast", { since });
  return entry.side === "bot" && entry.kind === "toast" ? entry.text : undefined;
}

/** Every message the bot has in the chat now (edits applied), as the person sees them. */
export function botMessagesNow(chat: PeerChat): Seen[] {
  return chat.botMessages().map((m: ChatMessage) => seenOf(m.messageId, m.text, m.buttons));
}

/** The transcript's latest sequence number, to wait for what comes after. */
export function mark(peer: TelegramPeer): number {
  return peer.state.transcript.at(-1)?.seq ?? 0;
}

function seenOf(messageId: number, text: string, buttons: readonly (readonly { text: string }[])[]): Seen {
  return { messageId, text, buttons: buttons.flat().map((b) => b.text) };
}
