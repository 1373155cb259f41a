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

/** What the panel's top-up button adds: enough for several large notices. */
const TOP_UP_CENTS = 50_000;

/**
 * @param {HTMLElement} root
 * @param {{ locale: () => "it" | "en", session: () => string, sendNotice: (file: File) => Promise<void>,
 *   onError: () => void, onDone: (message: string) => void }} options
 */
export function createSandboxPanel(root, options) {
  let lastJson = "";
  let timer = 0;

  // Each send is a notice never issued before (same payee, same behaviour), so a demo can be repeated.
  async function sendToChat(/** @type {{ id: string, image: string }} */ notice) {
    const response = await fetch(`${notice.image}?fresh=1`);
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
    // This browser's accounts first, marked as such; then everyone else's.
    const ordered = [...data.accounts.filter((a) => a.mine), ...data.accounts.filter((a) => !a.mine)];
    if (ordered.length === 0) accounts.append(el("p", "muted", t("noAccounts")));
    for (const account of ordered) {
      const item = el("li", account.mine ? "account mine" : "account");
      item.dataset.accountId = account.id;
      const name = el("strong", "account-owner", account.owner);
      if (account.mine) name.append(el("span", "badge", t("yours")));
      const topUp = el("button", "btn small secondary top-up", t("topUp"));
      topUp.type = "button";
      topUp.addEventListener("click", () => {
        topUp.disabled = true;
        postJson(`/api/sandbox/accounts/${encodeURIComponent(account.id)}/top-up`, { amountCents: TOP_UP_CENTS })
          .then(refresh, options.onError)
          .finally(() => {
            topUp.disabled = false;
          });
      });
      item.append(
        name,
        el(
          "span",
          "balance",
          account.available ? `${account.balance} (${t("available")} ${account.available})` : account.balance,
        ),
        el("code", "", account.iban),
        topUp,
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

    const reset = el("section", "panel-section reset");
    const resetButton = el("button", "btn small secondary", t("reset"));
    resetButton.type = "button";
    resetButton.id = "sandbox-reset";
    resetButton.addEventListener("click", () => {
      resetButton.disabled = true;
      postJson("/api/sandbox/reset", {})
        .then(() => {
          options.onDone(t("resetDone"));
          return refresh();
        }, options.onError)
        .finally(() => {
          resetButton.disabled = false;
        });
    });
    reset.append(resetButton, el("p", "muted", t("resetHint")));
    // What waits for a decision comes first, and only when there is something; the long list of notices after.
    if (data.approvals.length > 0) parts.push(approvals);
    parts.push(accounts, notices, chaos, reset);
    root.replaceChildren(...parts);
  }

  async function refresh() {
    try {
      const query = new URLSearchParams({ locale: options.locale(), session: options.session() });
      const response = await fetch(`/api/sandbox?${query}`);
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
