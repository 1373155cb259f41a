import type { SeenButton, TranscriptEntry } from "./state.ts";

/** Renders a conversation the way a person would read it, one line per step, for reports and failures. */
export function formatTranscript(entries: readonly TranscriptEntry[], startMs = entries[0]?.atMs ?? 0): string {
  return entries.map((entry) => `${clock(entry.atMs - startMs)}  ${formatEntry(entry)}`).join("\n");
}

function formatEntry(entry: TranscriptEntry): string {
  if (entry.side === "user") return `person → ${entry.what}`;
  switch (entry.kind) {
    case "message":
    case "edit": {
      const head = entry.kind === "message" ? `bot    ← #${entry.messageId}` : `bot    ✎ #${entry.messageId} edited`;
      const reply = entry.kind === "message" && entry.replyTo !== undefined ? ` (reply to #${entry.replyTo})` : "";
      const body = entry.text
        .split("\n")
        .map((line) => `           │ ${line}`)
        .join("\n");
      return `${head}${reply}\n${body}${formatButtons(entry.buttons)}`;
    }
    case "toast":
      return `bot    ← toast${entry.alert ? " (alert)" : ""}: ${entry.text === undefined ? "(none)" : `"${entry.text}"`}`;
    case "action":
      return `bot    ← chat action: ${entry.action}`;
  }
}

function formatButtons(rows: readonly (readonly SeenButton[])[]): string {
  if (rows.length === 0) return "";
  const lines = rows.map((row) => row.map((b) => `[${b.text}${b.url === undefined ? "" : ` → ${b.url}`}]`).join(" "));
  return `\n${lines.map((line) => `           ${line}`).join("\n")}`;
}

function clock(ms: number): string {
  return `+${(ms / 1000).toFixed(2).padStart(6, " ")}s`;
}
