import { type Cents, formatCents, parseEuroText } from "../../notice/money.ts";
import { formatNoticeNumber } from "../../notice/notice-number.ts";
import type { SandboxAdmin } from "./admin.ts";
import type { Answer, RouteSpec } from "./http.ts";
import { SandboxFailure, type SandboxWorld } from "./world.ts";

// The pages a person sees in the sandbox, standing in for the DropPay app: the Connection's sharing link
// (/u/20/<id>: grant or refuse) and the form's (/u/10/<id>: approve or refuse a disposition, second factor).

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c);
const euro = (cents: number) => escapeHtml(formatCents(cents as Cents, "it"));

function page(title: string, body: string, status = 200): Answer {
  return {
    status,
    html: `<!doctype html><html lang="it"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(title)} · DropPay sandbox</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:38rem;margin:2rem auto;padding:0 1rem;color:#1d2733}
h1{font-size:1.4rem}.card{border:1px solid #d5dde6;border-radius:.6rem;padding:1rem;margin:1rem 0}
button{font:inherit;padding:.5rem 1.1rem;border-radius:.4rem;border:0;margin-right:.5rem;cursor:pointer}
.ok{background:#0b6e4f;color:#fff}.no{background:#c0392b;color:#fff}small{color:#5a6877}
table{border-collapse:collapse}td,th{padding:.2rem .6rem;text-align:left;border-bottom:1px solid #eef}</style></head>
<body><p><small>DropPay sandbox: nessun denaro reale / no real money</small></p><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
  };
}

const notFound = () =>
  page("Non trovato", "<p>Questo link non esiste. <small>This link does not exist.</small></p>", 404);

/** The sandbox's HTML pages. */
export function pageRoutes(world: SandboxWorld, admin: SandboxAdmin): RouteSpec[] {
  const connectionPage = (id: string, notice = ""): Answer => {
    const connection = admin.connections().find((c) => c.id === id);
    if (connection === undefined) return notFound();
    if (connection.status !== "WAITING") {
      const word = connection.status === "GRANTED" ? "Collegamento autorizzato" : "Collegamento non attivo";
      return page(word, `${notice}<div class="card">Stato / status: <b>${escapeHtml(connection.status)}</b></div>`);
    }
    const options = admin
      .accounts()
      .map(
        (a) =>
          `<label><input type="radio" name="account" value="${escapeHtml(a.id)}"> ${escapeHtml(a.ownerName)} · ${escapeHtml(a.iban)} · ${euro(a.availableCents)}</label><br>`,
      )
      .join("");
    return page(
      "Collega pagobot al tuo conto",
      `<div class="card"><p>L'app <b>${escapeHtml(connection.appKey)}</b> chiede di pagare avvisi pagoPA dal tuo conto DropPay.
<small>An app asks to pay pagoPA notices from your DropPay account.</small></p>
<form method="post">${options}<label><input type="radio" name="account" value="new" checked> Nuovo conto di prova con
<input name="balance" value="500.00" size="8"> €</label><p>
<button class="ok" name="action" value="grant">Autorizza</button><button class="no" name="action" value="refuse">Rifiuta</button></p></form></div>`,
    );
  };

  const formPage = (id: string, notice = ""): Answer => {
    const form = admin.form(id);
    if (form === undefined) return notFound();
    const buttons = form.awaitingApproval
      ? `<form method="post"><p>Approvi questo pagamento? <small>Approve this payment?</small></p>
<button class="ok" name="action" value="approve">Approva</button><button class="no" name="action" value="refuse">Rifiuta</button></form>`
      : "";
    return page(
      form.payeeName ?? "Avviso pagoPA",
      `${notice}<div class="card"><table>
<tr><th>Causale</th><td>${escapeHtml(form.causale ?? "")}</td></tr>
<tr><th>Codice avviso</th><td>${escapeHtml(formatNoticeNumber(form.noticeNumber))}</td></tr>
<tr><th>Importo</th><td>${euro(form.noticeAmountCents)}</td></tr>
<tr><th>Commissione</th><td>${euro(form.feeCents)}</td></tr>
<tr><th>Totale</th><td><b>${euro(form.totalCents)}</b></td></tr>
<tr><th>Stato</th><td><b>${escapeHtml(form.status)}</b>${form.awaitingApproval ? " · in attesa di approvazione" : ""}</td></tr>
</table>${buttons}</div>`,
    );
  };

  const attempt = (run: () => void): string => {
    try {
      run();
      return "";
    } catch (error) {
      if (!(error instanceof SandboxFailure)) throw error;
      return `<p class="card">Non riuscito: ${escapeHtml(error.description)}</p>`;
    }
  };

  return [
    { method: "GET", path: /^\/u\/20\/([^/]+)$/, handle: (call) => connectionPage(call.params[0] ?? "") },
    {
      method: "POST",
      path: /^\/u\/20\/([^/]+)$/,
      handle: async (call) => {
        const id = call.params[0] ?? "";
        const fields = await call.form();
        const account = fields.get("account") ?? "new";
        const balance = parseEuroText(fields.get("balance") ?? "500");
        const notice = attempt(() => {
          if (fields.get("action") === "refuse") admin.refuseConnection(id);
          else if (account === "new")
            admin.grantConnection(id, { newBalanceCents: balance.ok ? balance.value : 50_000 });
          else admin.grantConnection(id, { accountId: account });
        });
        return connectionPage(id, notice);
      },
    },
    { method: "GET", path: /^\/u\/10\/([^/]+)$/, handle: (call) => formPage(call.params[0] ?? "") },
    {
      method: "POST",
      path: /^\/u\/10\/([^/]+)$/,
      handle: async (call) => {
        const id = call.params[0] ?? "";
        const fields = await call.form();
        const notice = attempt(() => {
          if (fields.get("action") === "refuse") admin.refuseDisposition(id);
          else admin.approveDisposition(id);
        });
        return formPage(id, notice);
      },
    },
    {
      method: "GET",
      path: /^\/$/,
      handle: () => {
        const rows = admin.testNotices
          .map(
            (n) =>
              `<tr><td>${escapeHtml(n.fiscalCode)}</td><td>${escapeHtml(formatNoticeNumber(n.noticeNumber))}</td><td>${euro(n.amountCents)}</td><td>${escapeHtml(n.label.it)}</td></tr>`,
          )
          .join("");
        return page(
          "DropPay sandbox",
          `<p>API: <code>${escapeHtml(world.baseUrl)}/payments/v3/methods/pagopa/form</code></p>
<div class="card"><b>Avvisi di prova / test notices</b><table>${rows}</table></div>
<p>${admin.accounts().length} conti, ${admin.forms().length} pagamenti. JSON: <code>/sandbox/v1/accounts</code>, <code>/sandbox/v1/forms</code>.</p>`,
        );
      },
    },
  ];
}
