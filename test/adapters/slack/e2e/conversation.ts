import type { PeerChannel, PeerMessage, PeerPerson, SlackPeer, TranscriptEntry } from "../../../peers/slack/peer.ts";

/** What a person sees of one app message at some moment: its text, its buttons' labels, its colour bar. */
export interface Seen {
  readonly ts: string;
  readonly kind: "message" | "edit";
  readonly text: string;
  readonly buttons: readonly string[];
  readonly color?: string;
  readonly threadTs?: string;
}

/** The app's posts and edits (and, by type only, its ephemeral notes: isShown keeps messages and edits). */
type BotEntry = Extract<TranscriptEntry, { kind: "message" | "edit" | "ephemeral" | "response" }>;

function isShown(entry: TranscriptEntry, channel: PeerChannel): entry is BotEntry {
  return entry.side === "bot" && (entry.kind === "message" || entry.kind === "edit") && entry.channel === channel.id;
}

function seenOf(entry: BotEntry): Seen {
  return {
    ts: entry.ts,
    kind: entry.kind === "edit" ? "edit" : "message",
    text: entry.text,
    buttons: entry.buttons.flat().map((b) => b.text),
    ...(entry.color === undefined ? {} : { color: entry.color }),
    ...(entry.threadTs === undefined ? {} : { threadTs: entry.threadTs }),
  };
}

/** Waits until the app shows, in this channel, a message (new or edited) that passes the test. */
export async function botShows(
  peer: SlackPeer,
  channel: PeerChannel,
  test: (seen: Seen) => boolean,
  options: { since?: number; timeoutMs?: number } = {},
): Promise<Seen> {
  const entry = await peer.waitFor((e) => isShown(e, channel) && test(seenOf(e)), {
    timeoutMs: options.timeoutMs ?? 40_000,
    ...(options.since === undefined ? {} : { since: options.since }),
  });
  return seenOf(entry as BotEntry);
}

/** Everything the app showed in the channel since `since` (messages and edits, in order). */
export function shownSince(peer: SlackPeer, channel: PeerChannel, since = 0): Seen[] {
  return peer.state.transcript.filter((e): e is BotEntry => e.seq > since && isShown(e, channel)).map(seenOf);
}

/** What only this person was shown (ephemeral messages, answers to their command) since `since`. */
export function privateNotes(peer: SlackPeer, person: PeerPerson, since = 0): string[] {
  return peer.state.transcript
    .filter((e) => e.seq > since && e.side === "bot" && "visibleTo" in e && e.visibleTo === person.id)
    .map((e) => ("text" in e ? e.text : ""));
}

/** Waits for an ephemeral note to this person that passes the test. */
export async function privateNote(
  peer: SlackPeer,
  person: PeerPerson,
  test: (text: string) => boolean,
  since = 0,
): Promise<string> {
  const entry = await peer.waitFor(
    (e) => e.side === "bot" && "visibleTo" in e && e.visibleTo === person.id && test(e.text),
    { since, timeoutMs: 40_000 },
  );
  return "text" in entry ? entry.text : "";
}

/** The message as it stands now in the channel (for pressing its buttons). */
export function messageNow(peer: SlackPeer, channel: PeerChannel, ts: string): PeerMessage {
  const message = peer.state.message(channel.id, ts);
  if (message === undefined) throw new Error(`no message ${ts} in ${channel.name}`);
  return message;
}
