// The sandbox side panel: test notices with their sample images, accounts and balances, pending approvals and
// the webhook chaos switch. It polls while the page is visible; nothing here is chat wording.

import { postJson } from "./api.js";
import { text } from "./page-text.js";

/** @param {keyof HTMLElementTagNameMap} tag @param {string} [className] @param {string} [content] */
function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content !== undefined) node.textContent = content;
  return node;
}

/**
 * @param {HTMLElement} root
 * @param {{ locale: () => "it" | "en", sendNotice: (file: File) => Promise<void>, onError: () => void }} options
 */
export function createSandboxPanel(root, options) {
  let lastJson = "";
  let timer = 0;

  async function sendToChat(/** @type {{ id: string, image: string }} */ notice) {
    const response = await fetch(notice.image);
    if (!response.ok) throw new Error(`sample image: ${response.status}`);
    const blob = await response.blob();
    await options.sendNotice(new File([blob], `avviso-${notice.id}.png`, { type: "image/png" }));
  }

  function section(titleKey) {
    const box = el("section", "panel-section");
    box.append(el("h3", "", text(options.locale(), titleKey)));
    return box;
  }

  function render(data) {
    const t = (key) => text(options.locale(), key);
    const parts = [el("h2", "", t("sandboxTitle"))];
    if (!data.available) {
      parts.push(el("p", "muted", t("sandboxOff")));
      root.replaceChildren(...parts);
      return;
    }
    parts.push(el("p", "muted", t("sandboxIntro")));

    const notices = section("notices");
    const list = el("ul", "notice-list");
    for (const notice of data.notices) {
      const item = el("li", "test-notice");
      item.dataset.noticeId = notice.id;
      item.append(el("strong", "notice-label", notice.label));
      if (notice.effect) item.append(el("span", "muted notice-effect", notice.effect));
      item.append(el("span", "notice-payee", `${notice.payeeName} · ${notice.amount}`));
      item.append(el("code", "notice-number", notice.noticeNumber));
      const actions = el("div", "notice-actions");
      const send = el("button", "btn small primary", t("sendToChat"));
      send.type = "button";
      send.addEventListener("click", () => {
        send.disabled = true;
        sendToChat(notice)
          .catch(options.onError)
          .finally(() => {
            send.disabled = false;
          });
      });
      const download = el("a", "btn small secondary", t("download"));
      download.href = `${notice.image}?download=1`;
      download.setAttribute("download", `avviso-${notice.id}.png`);
      actions.append(send, download);
      item.append(actions);
      list.append(item);
    }
    notices.append(list);

    const accounts = section("accounts");
    const table = el("ul", "account-list");
    for (const account of data.accounts) {
      const item = el("li", "account");
      item.append(
        el("strong", "", account.owner),
        el(
          "span",
          "balance",
          account.available ? `${account.balance} (${t("available")} ${account.available})` : account.balance,
        ),
        el("code", "", account.iban),
      );
      table.append(item);
    }
    accounts.append(table);

    const approvals = section("approvals");
    approvals.classList.add("pending");
    for (const approval of data.approvals) {
      const item = el("div", "approval");
      item.append(el("span", "", approval.summary));
      const actions = el("div", "approval-actions");
      item.append(actions);
      for (const [key, grant] of [
        ["approve", true],
        ["refuse", false],
      ]) {
        const button = el("button", `btn small ${grant ? "primary" : "danger"}`, t(key));
        button.type = "button";
        button.addEventListener("click", () => {
          button.disabled = true;
          postJson(`/api/sandbox/approvals/${encodeURIComponent(approval.id)}`, { grant })
            .then(refresh, options.onError)
            .finally(() => {
              button.disabled = false;
            });
        });
        actions.append(button);
      }
      approvals.append(item);
    }

    const chaos = el("label", "chaos");
    const box = el("input");
    box.type = "checkbox";
    box.checked = data.chaos;
    box.addEventListener("change", () => {
      postJson("/api/sandbox/chaos", { enabled: box.checked }).then(refresh, () => {
        box.checked = !box.checked;
        options.onError();
      });
    });
    chaos.append(box, el("span", "", t("chaos")));
    // What waits for a decision comes first, and only when there is something; the long list of notices after.
    if (data.approvals.length > 0) parts.push(approvals);
    parts.push(accounts, notices, chaos);
    root.replaceChildren(...parts);
  }

  async function refresh() {
    try {
      const response = await fetch(`/api/sandbox?locale=${options.locale()}`);
      if (!response.ok) return;
      const json = await response.text();
      // Re-render only on change, so a poll never resets a button the person is about to press.
      if (json === lastJson) return;
      lastJson = json;
      render(JSON.parse(json));
    } catch {
      // The chat shows the connection state; the panel just tries again at the next poll.
    }
  }

  const poll = () => {
    clearTimeout(timer);
    timer = window.setTimeout(async () => {
      if (document.visibilityState === "visible") await refresh();
      poll();
    }, 3000);
  };

  return {
    refresh,
    start() {
      void refresh();
      poll();
    },
    /** After a language switch: formats and headings change. */
    relabel() {
      lastJson = "";
      void refresh();
    },
  };
}
