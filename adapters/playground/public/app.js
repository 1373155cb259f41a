// The playground page: one chat with pagobot (private, or a family group where you play two members), fed by
// server-sent events, plus the sandbox panel. No build step: plain ES modules served as they are.

import {
  chatIdOf,
  loadConfig,
  members,
  newId,
  pressButton,
  RequestError,
  sendCommand,
  sendText,
  uploadFile,
} from "./api.js";
import { createChatView } from "./chat-view.js";
import { wireComposer } from "./composer.js";
import { applyPageText, text } from "./page-text.js";
import { createSandboxPanel } from "./sandbox-panel.js";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @returns {import("./api.js").PageState} */
function loadState() {
  const saved = JSON.parse(localStorage.getItem("pagobot.playground") ?? "{}");
  return {
    // One random id per browser: it names this browser's chats and people, so two tabs share one chat.
    sessionId:
      typeof saved.sessionId === "string" && /^[a-f0-9]{12,32}$/.test(saved.sessionId) ? saved.sessionId : newId(),
    chatKind: saved.chatKind === "group" ? "group" : "private",
    speaker: saved.speaker === "marco" ? "marco" : "anna",
    // Italian first, as pagobot itself.
    locale: saved.locale === "en" ? "en" : "it",
  };
}

const state = loadState();
const save = () => localStorage.setItem("pagobot.playground", JSON.stringify(state));
save();

const toastBox = $("toast");
let toastTimer = 0;
/** The message a plain toast answers: when that message changes, the toast has said its piece. */
let toastAbout = "";
function toast(message, alert = false, about = "") {
  toastAbout = alert ? "" : about;
  toastBox.textContent = message;
  toastBox.classList.toggle("alert", alert);
  toastBox.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = window.setTimeout(
    () => {
      toastBox.hidden = true;
    },
    alert ? 8000 : 4000,
  );
}
const failed = (key) => () => toast(text(state.locale, key), true);
const showAck = (ack, about = "") => {
  if (ack?.toast) toast(ack.toast, ack.alert === true, about);
};

const sizeFormat = () => new Intl.NumberFormat(state.locale === "it" ? "it-IT" : "en-IE", { maximumFractionDigits: 1 });
const chatView = createChatView(/** @type {HTMLOListElement} */ ($("messages")), {
  formatSize: (bytes) =>
    bytes >= 1024 * 1024
      ? `${sizeFormat().format(bytes / (1024 * 1024))} MB`
      : `${sizeFormat().format(Math.max(1, Math.round(bytes / 1024)))} KB`,
  youLabel: () => text(state.locale, "you"),
  isMe: (userId) => state.chatKind === "private" || userId === `${state.sessionId}.${state.speaker}`,
  showNames: () => state.chatKind === "group",
});

// The engine's "working on it": dots until the next message, or a few seconds at most.
const typing = $("typing");
let typingTimer = 0;
function showTyping(on) {
  typing.hidden = !on;
  clearTimeout(typingTimer);
  if (on) typingTimer = window.setTimeout(() => showTyping(false), 8000);
}

/** @type {EventSource | undefined} */
let source;
function connect() {
  source?.close();
  const chatId = chatIdOf(state);
  const kind = state.chatKind;
  // The chat left behind goes at once: until the new one's snapshot arrives, showing the old messages would let a
  // press or a count land on a chat that is no longer the one on screen. `data-chat` says which chat is shown.
  chatView.render([]);
  delete document.body.dataset.chat;
  source = new EventSource(`/api/events?chatId=${encodeURIComponent(chatId)}`);
  source.addEventListener("open", () => document.body.classList.remove("offline"));
  source.addEventListener("error", () => document.body.classList.add("offline"));
  source.addEventListener("snapshot", (event) => {
    chatView.render(JSON.parse(event.data).entries);
    document.body.dataset.chat = kind;
    document.body.classList.add("connected");
  });
  source.addEventListener("entry", (event) => {
    const { entry } = JSON.parse(event.data);
    if (entry.author === "bot") showTyping(false);
    if (entry.id === toastAbout) toastBox.hidden = true;
    chatView.upsert(entry);
    if (entry.author === "bot") panel.refresh();
  });
  source.addEventListener("activity", () => showTyping(true));
}

let config = { maxUploadBytes: 20 * 1024 * 1024 };
async function sendFiles(files) {
  for (const file of files) {
    try {
      showAck(await uploadFile(state, file, config.maxUploadBytes));
    } catch (error) {
      // Too many files at once is the only failure that waiting fixes; the rest are worth a retry.
      failed(error instanceof RequestError && error.status === 429 ? "tooManyUploads" : "uploadFailed")();
    }
  }
}

// On a narrow screen the panel is a drawer under the top bar (never over its own toggle): the × button, Escape,
// a tap outside it and "Invia in chat" all close it. On a wide screen it is always shown and these do nothing.
const panelToggle = $("panel-toggle");
function setPanelOpen(open) {
  document.body.classList.toggle("panel-open", open);
  panelToggle.setAttribute("aria-expanded", String(open));
}
panelToggle.addEventListener("click", () => setPanelOpen(!document.body.classList.contains("panel-open")));
$("panel-close").addEventListener("click", () => {
  setPanelOpen(false);
  panelToggle.focus();
});
$("panel-backdrop").addEventListener("click", () => setPanelOpen(false));
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.body.classList.contains("panel-open")) setPanelOpen(false);
});
// The drawer starts where the top bar ends, whatever the bar's height once its switches wrap.
new ResizeObserver(() => {
  document.documentElement.style.setProperty("--topbar-height", `${$("topbar").offsetHeight}px`);
}).observe($("topbar"));

const panel = createSandboxPanel($("sandbox-body"), {
  locale: () => state.locale,
  session: () => state.sessionId,
  onDone: (message) => toast(message),
  sendNotice: (file) => {
    setPanelOpen(false);
    return sendFiles([file]);
  },
  onError: failed("requestFailed"),
});

// Buttons on bot messages: one press at a time per message; the engine's toast answers it.
$("messages").addEventListener("click", async (event) => {
  const button = /** @type {HTMLElement} */ (event.target).closest("button[data-ref]");
  const item = button?.closest("li[data-id]");
  if (!(button instanceof HTMLButtonElement) || !(item instanceof HTMLElement)) return;
  const messageId = item.dataset.id ?? "";
  chatView.setBusy(messageId, true);
  try {
    showAck(await pressButton(state, button.dataset.ref ?? "", messageId), messageId);
  } catch {
    failed("requestFailed")();
  } finally {
    // Whatever the answer (a question asked, a refusal, a toast), the card's buttons work again: an edit of the
    // card arrives as a fresh message anyway, and a second press is the engine's to refuse, never the page's.
    chatView.setBusy(messageId, false);
  }
});

wireComposer({
  form: /** @type {HTMLFormElement} */ ($("composer")),
  input: /** @type {HTMLTextAreaElement} */ ($("input")),
  picker: /** @type {HTMLInputElement} */ ($("picker")),
  dropArea: $("chat"),
  onText: async (value) => {
    try {
      showAck(await sendText(state, value));
    } catch (error) {
      failed("requestFailed")();
      throw error;
    }
  },
  onFiles: sendFiles,
});

function syncSwitches() {
  for (const input of document.querySelectorAll("input[name=chat]")) input.checked = input.value === state.chatKind;
  for (const input of document.querySelectorAll("input[name=speaker]")) input.checked = input.value === state.speaker;
  for (const input of document.querySelectorAll("input[name=locale]")) input.checked = input.value === state.locale;
  $("speaker-switch").hidden = state.chatKind !== "group";
  applyPageText(state.locale);
  for (const [key, member] of Object.entries(members)) $(`speaker-${key}`).textContent = member.name;
}

document.addEventListener("change", (event) => {
  const input = /** @type {HTMLInputElement} */ (event.target);
  if (input.name === "chat" && (input.value === "private" || input.value === "group")) {
    state.chatKind = input.value;
    connect();
  } else if (input.name === "speaker" && (input.value === "anna" || input.value === "marco")) {
    state.speaker = input.value;
    chatView.rerender();
  } else if (input.name === "locale" && (input.value === "it" || input.value === "en")) {
    state.locale = input.value;
    // The engine keeps a person's language: tell it, as /lingua would; the page's own text follows at once.
    sendCommand(state, "language", input.value).then(showAck, failed("requestFailed"));
    panel.relabel();
  } else return;
  save();
  syncSwitches();
});

syncSwitches();
connect();
panel.start();
loadConfig().then((loaded) => {
  config = loaded;
}, failed("requestFailed"));
