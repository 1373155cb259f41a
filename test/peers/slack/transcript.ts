import type { SeenButton } from "./blocks.ts";
import type { PeerState, TranscriptEntry } from "./state.ts";

/** Renders a conversation the way people would read it, one step per entry, for reports and failures. */
export function formatTranscript(
  state: PeerState,
  entries: readonly TranscriptEntry[],
  startMs = entries[0]?.atMs ?? 0,
): string {
  return entries.map((entry) => `${clock(entry.atMs - startMs)}  ${formatEntry(state, entry)}`).join("\n");
}

function formatEntry(state: PeerState, entry: TranscriptEntry): string {
  const where = entry.channel === "" ? "" : ` in ${state.channels.get(entry.channel)?.name ?? entry.channel}`;
  if (entry.side === "user") return `${state.userName(entry.user)}${where} → ${entry.what}`;
  switch (entry.kind) {
    case "modal":
    case "home":
      return `bot    ← ${entry.kind === "modal" ? "modal" : "Home tab"} for ${state.userName(entry.user)}\n${indent(entry.text)}`;
    default: {
      const heads: Record<typeof entry.kind, string> = {
        message: `bot    ← ${entry.ts}${where}`,
        edit: `bot    ✎ ${entry.ts} edited`,
        ephemeral: `bot    ← ephemeral${where}`,
        response: `bot    ← reply to the command${where}`,
      };
      const thread = entry.threadTs === undefined ? "" : ` (in the thread of ${entry.threadTs})`;
      const audience = entry.visibleTo === undefined ? "" : ` (only ${state.userName(entry.visibleTo)} sees it)`;
      const color = entry.color === undefined ? "" : ` [${entry.color}]`;
      const files = (entry.files ?? []).map((name) => `\n           📎 ${name}`).join("");
      return `${heads[entry.kind]}${thread}${audience}${color}\n${indent(entry.text)}${files}${formatButtons(entry.buttons)}`;
    }
  }
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `           │ ${line}`)
    .join("\n");
}

function formatButtons(rows: readonly (readonly SeenButton[])[]): string {
  if (rows.length === 0) return "";
  const lines = rows.map((row) => row.map((b) => `[${b.text}${b.url === undefined ? "" : ` → ${b.url}`}]`).join(" "));
  return `\n${lines.map((line) => `           ${line}`).join("\n")}`;
}

function clock(ms: number): string {
  return `+${(ms / 1000).toFixed(2).padStart(6, " ")}s`;
}
