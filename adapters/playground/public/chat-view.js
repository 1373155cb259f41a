// Renders the chat: the engine's views (text and cards with buttons) and what people sent. Everything is built
// with DOM nodes and textContent, never innerHTML: views are plain text, so no message can inject markup.

/**
 * @typedef {{ label: string, ref?: string, url?: string, style?: "primary" | "danger" }} ViewButton
 * @typedef {{ type: "text", text: string, buttons?: ViewButton[][] }
 *   | { type: "card", title: string, lines?: string[], fields: { label: string, value: string }[],
 *       footer?: string, tone: string, buttons: ViewButton[][] }
 *   | { type: "document", caption: string, fileName: string, mimeType: string, base64: string,
 *       buttons?: undefined }} View
 * @typedef {{ id: string, author: "bot", view: View, replyTo?: string }
 *   | { id: string, author: "person", sender: { userId: string, name: string }, text?: string,
 *       file?: { name: string, mimeType: string, sizeBytes: number } }} Entry
 */

const tones = new Set(["neutral", "pending", "success", "failure", "muted"]);

/**
 * @param {keyof HTMLElementTagNameMap} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Plain text with its web links made clickable; everything else stays text. @param {string} text */
function linkified(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(/https?:\/\/[^\s<>"']+/g)) {
    fragment.append(text.slice(last, match.index));
    const link = el("a", "", match[0]);
    link.href = match[0];
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    fragment.append(link);
    last = (match.index ?? 0) + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

/** Only http(s) links become anchors: a javascript: URL in a view must never be clickable. @param {string} url */
function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** @param {ViewButton[][] | undefined} rows */
function renderButtons(rows) {
  const box = el("div", "buttons");
  for (const row of rows ?? []) {
    const line = el("div", "button-row");
    for (const button of row) {
      const href = button.url === undefined ? undefined : safeUrl(button.url);
      if (button.ref !== undefined) {
        const node = el("button", `btn ${button.style ?? "secondary"}`, button.label);
        node.type = "button";
        node.dataset.ref = button.ref;
        line.append(node);
      } else if (href !== undefined) {
        const node = el("a", "btn link", button.label);
        node.href = href;
        node.target = "_blank";
        node.rel = "noopener noreferrer";
        line.append(node);
      } else {
        line.append(el("span", "btn disabled", button.label));
      }
    }
    if (line.childElementCount > 0) box.append(line);
  }
  return box;
}

/** @param {View} view */
function renderView(view) {
  if (view.type === "card") {
    const card = el("article", `card tone-${tones.has(view.tone) ? view.tone : "neutral"}`);
    card.append(el("h3", "card-title", view.title));
    for (const line of view.lines ?? []) card.append(el("p", "card-line", line));
    if (view.fields.length > 0) {
      const list = el("dl", "card-fields");
      for (const field of view.fields) list.append(el("dt", "", field.label), el("dd", "", field.value));
      card.append(list);
    }
    card.append(renderButtons(view.buttons));
    if (view.footer) card.append(el("p", "card-footer", view.footer));
    return card;
  }
  if (view.type === "document") {
    // A receipt: its caption and a download of the PDF the bot made (bytes inline, base64).
    const box = el("div", "text");
    box.append(el("p", "", view.caption));
    const link = el("a", "btn link", `📎 ${view.fileName}`);
    link.href = `data:application/pdf;base64,${view.base64}`;
    link.download = view.fileName;
    box.append(link);
    return box;
  }
  const bubble = el("div", "text");
  bubble.append(linkified(view.text));
  bubble.append(renderButtons(view.buttons));
  return bubble;
}

/** A one-line reminder of the message a reply refers to. @param {Entry | undefined} entry */
function quoteOf(entry) {
  if (entry === undefined) return "";
  if (entry.author === "person") return entry.text ?? entry.file?.name ?? "";
  if (entry.view.type === "document") return entry.view.caption;
  return entry.view.type === "card" ? entry.view.title : entry.view.text;
}

/**
 * The message list. `render` replaces everything (a snapshot), `upsert` adds or edits one message in place.
 * @param {HTMLOListElement} list
 * @param {{ formatSize: (bytes: number) => string, youLabel: () => string, isMe: (userId: string) => boolean,
 *   showNames: () => boolean }} options
 */
export function createChatView(list, options) {
  /** @type {Map<string, Entry>} */
  const entries = new Map();

  /** @param {Entry} entry */
  function renderEntry(entry) {
    const item = el("li", `message from-${entry.author}`);
    item.dataset.id = entry.id;
    if (entry.author === "bot") {
      if (entry.replyTo !== undefined && entries.has(entry.replyTo)) {
        item.append(el("p", "reply-quote", quoteOf(entries.get(entry.replyTo)).slice(0, 80)));
      }
      item.append(renderView(entry.view));
      return item;
    }
    const mine = options.isMe(entry.sender.userId);
    item.classList.add(mine ? "mine" : "theirs");
    if (options.showNames()) item.append(el("p", "sender", mine ? options.youLabel() : entry.sender.name));
    const bubble = el("div", "text");
    if (entry.file !== undefined) {
      bubble.classList.add("file");
      bubble.append(
        el("span", "file-name", entry.file.name),
        el("span", "file-size", options.formatSize(entry.file.sizeBytes)),
      );
    } else bubble.append(linkified(entry.text ?? ""));
    item.append(bubble);
    return item;
  }

  const nearBottom = () => list.scrollHeight - list.scrollTop - list.clientHeight < 120;
  const toBottom = () => {
    list.scrollTop = list.scrollHeight;
  };

  return {
    /** @param {Entry[]} all */
    render(all) {
      entries.clear();
      for (const entry of all) entries.set(entry.id, entry);
      list.replaceChildren(...all.map(renderEntry));
      toBottom();
    },
    /** @param {Entry} entry */
    upsert(entry) {
      const follow = nearBottom();
      entries.set(entry.id, entry);
      const fresh = renderEntry(entry);
      const existing = list.querySelector(`li[data-id="${CSS.escape(entry.id)}"]`);
      if (existing) existing.replaceWith(fresh);
      else list.append(fresh);
      if (follow || entry.author === "person") toBottom();
    },
    /** Disables or re-enables a message's buttons (while a press is in flight). @param {string} id @param {boolean} busy */
    setBusy(id, busy) {
      const item = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
      for (const button of item?.querySelectorAll("button[data-ref]") ?? []) button.disabled = busy;
    },
    rerender() {
      this.render([...entries.values()]);
    },
  };
}
