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
      "Avvisi di prova: ogni «Invia in chat» manda un avviso nuovo, che fa quello che c'è scritto. " +
      "Puoi anche scaricare l'immagine e fotografarla con il telefono.",
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
    yours: "tuo",
    noAccounts: "Nessun conto ancora: il primo pagamento ne crea uno, con 5.000 € di prova.",
    topUp: "Ricarica 500 €",
    reset: "Ricomincia la demo",
    resetHint: "Tutti gli avvisi tornano pagabili e i conti tornano al saldo iniziale.",
    resetDone: "Demo ricominciata: avvisi di nuovo pagabili, saldi iniziali.",
    closePanel: "Chiudi il pannello",
    tooManyUploads: "Troppi file in invio insieme: aspetta che finiscano e riprova.",
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
      "Test notices: each “Send to chat” sends a new notice that does what it says. " +
      "You can also download the image and photograph it with your phone.",
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
    yours: "yours",
    noAccounts: "No account yet: the first payment makes one, with €5,000 of test money.",
    topUp: "Top up €500",
    reset: "Start the demo again",
    resetHint: "Every notice becomes payable again and accounts go back to their opening balance.",
    resetDone: "Demo started again: notices payable again, opening balances.",
    closePanel: "Close the panel",
    tooManyUploads: "Too many files at once: wait for them to finish and try again.",
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
