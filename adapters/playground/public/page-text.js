// The playground's own chrome (switches, placeholders, panel headings). Chat wording never lives here: every
// message in the chat is a view the engine sent, already in the person's language.

/** @type {Record<"it" | "en", Record<string, string>>} */
export const pageText = {
  it: {
    title: "pagobot · playground",
    chatPrivate: "Chat privata",
    chatFamily: "Gruppo famiglia",
    speakingAs: "Parli come",
    language: "Lingua",
    sandboxToggle: "Sandbox",
    placeholder: "Scrivi o incolla i codici dell'avviso, oppure trascina qui una foto o un PDF",
    send: "Invia",
    attach: "Allega foto o PDF",
    drop: "Rilascia qui l'avviso",
    reconnecting: "Connessione persa, riprovo…",
    uploadFailed: "Invio non riuscito, riprova.",
    requestFailed: "Qualcosa è andato storto, riprova.",
    sandboxTitle: "Sandbox DropPay",
    sandboxIntro:
      "Avvisi di prova: scarica l'immagine e fotografala con il telefono, oppure inviala direttamente in chat.",
    sandboxOff: "pagobot sta usando DropPay reale: niente sandbox.",
    notices: "Avvisi di prova",
    sendToChat: "Invia in chat",
    download: "Scarica",
    accounts: "Conti",
    available: "disponibili",
    approvals: "In attesa di approvazione",
    approve: "Approva",
    refuse: "Rifiuta",
    chaos: "Caos webhook (duplica, ritarda, riordina)",
    you: "Tu",
    empty: "Invia la foto di un avviso pagoPA, il PDF, oppure i suoi codici. Nessun pagamento reale: è il sandbox.",
  },
  en: {
    title: "pagobot · playground",
    chatPrivate: "Private chat",
    chatFamily: "Family group",
    speakingAs: "Speaking as",
    language: "Language",
    sandboxToggle: "Sandbox",
    placeholder: "Type or paste the notice's codes, or drop a photo or a PDF here",
    send: "Send",
    attach: "Attach a photo or PDF",
    drop: "Drop the notice here",
    reconnecting: "Connection lost, retrying…",
    uploadFailed: "Upload failed, please try again.",
    requestFailed: "Something went wrong, please try again.",
    sandboxTitle: "DropPay sandbox",
    sandboxIntro:
      "Test notices: download the image and photograph it with your phone, or send it straight to the chat.",
    sandboxOff: "pagobot is using the real DropPay: no sandbox.",
    notices: "Test notices",
    sendToChat: "Send to chat",
    download: "Download",
    accounts: "Accounts",
    available: "available",
    approvals: "Waiting for approval",
    approve: "Approve",
    refuse: "Refuse",
    chaos: "Webhook chaos (duplicate, delay, reorder)",
    you: "You",
    empty: "Send a photo of a pagoPA notice, its PDF, or its codes. No real payment: this is the sandbox.",
  },
};

/**
 * Looks up a chrome string.
 * @param {"it" | "en"} locale
 * @param {string} key
 */
export function text(locale, key) {
  return pageText[locale][key] ?? pageText.it[key] ?? key;
}

/**
 * Fills every element marked data-text (its text) or data-placeholder / data-label (attributes).
 * @param {"it" | "en"} locale
 */
export function applyPageText(locale) {
  document.documentElement.lang = locale;
  document.title = text(locale, "title");
  for (const el of document.querySelectorAll("[data-text]")) el.textContent = text(locale, el.dataset.text);
  for (const el of document.querySelectorAll("[data-placeholder]")) {
    el.setAttribute("placeholder", text(locale, el.dataset.placeholder));
  }
  for (const el of document.querySelectorAll("[data-label]")) {
    el.setAttribute("aria-label", text(locale, el.dataset.label));
    el.setAttribute("title", text(locale, el.dataset.label));
  }
}
