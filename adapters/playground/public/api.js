// Talks to the playground's HTTP side: one POST per thing a person does, each carrying the "envelope" (which
// chat, who speaks, in which language) and a fresh event id so that a retried request is not handled twice.

/** The two family members the "speaking as" switch plays; Anna is the account holder. */
export const members = {
  anna: { name: "Anna" },
  marco: { name: "Marco" },
};

/**
 * @typedef {{ sessionId: string, chatKind: "private" | "group", speaker: keyof typeof members, locale: "it" | "en" }} PageState
 */

/** @param {PageState} state */
export function chatIdOf(state) {
  return state.chatKind === "group" ? `${state.sessionId}.family` : state.sessionId;
}

/** @param {PageState} state */
function envelope(state) {
  // In the private chat it is always Anna; the switch only applies to the family group.
  const speaker = state.chatKind === "group" ? state.speaker : "anna";
  return {
    chatId: chatIdOf(state),
    kind: state.chatKind,
    userId: `${state.sessionId}.${speaker}`,
    name: members[speaker].name,
    locale: state.locale,
    eventId: newId(),
  };
}

/** A random id of 32 characters from A-Z a-z 0-9. */
export function newId() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The error a failed request throws; `status` is the HTTP status (0 when the server was unreachable). */
export class RequestError extends Error {
  /** @param {number} status @param {string} code */
  constructor(status, code) {
    super(`request failed: ${status} ${code}`);
    this.status = status;
    this.code = code;
  }
}

/** @param {Response} response */
async function readAnswer(response) {
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new RequestError(response.status, body.error ?? "unknown");
  return body;
}

/** @param {string} path @param {unknown} body */
export async function postJson(path, body) {
  let response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch {
    throw new RequestError(0, "unreachable");
  }
  return readAnswer(response);
}

/** @param {PageState} state @param {string} text */
export function sendText(state, text) {
  return postJson("/api/messages", { ...envelope(state), text });
}

/** @param {PageState} state @param {string} command @param {string} args */
export function sendCommand(state, command, args) {
  return postJson("/api/commands", { ...envelope(state), command, args });
}

/** @param {PageState} state @param {string} ref @param {string} messageId */
export function pressButton(state, ref, messageId) {
  return postJson("/api/buttons", { ...envelope(state), ref, messageId });
}

/**
 * Uploads one file. A file over the cap is only announced (its size in X-File-Size, no body), as a chat app
 * announces a file before the bot downloads it: the bot answers in the chat why it cannot take it.
 * @param {PageState} state @param {File} file @param {number} maxUploadBytes
 */
export async function uploadFile(state, file, maxUploadBytes) {
  const query = new URLSearchParams(envelope(state));
  const tooBig = file.size > maxUploadBytes;
  let response;
  try {
    response = await fetch(`/api/files?${query}`, {
      method: "POST",
      headers: {
        "content-type": file.type || "application/octet-stream",
        "x-file-name": encodeURIComponent(file.name || "file"),
        "x-file-size": String(file.size),
      },
      body: tooBig ? new Blob([]) : file,
    });
  } catch {
    throw new RequestError(0, "unreachable");
  }
  // 413 is the expected answer for an oversized file; the chat shows the bot's explanation.
  if (response.status === 413) return response.json().catch(() => ({}));
  return readAnswer(response);
}

/** @returns {Promise<{ maxUploadBytes: number }>} */
export async function loadConfig() {
  const response = await fetch("/api/config");
  return readAnswer(response);
}
