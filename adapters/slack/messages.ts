import type { Locale } from "../../src/notice/money.ts";

/**
 * What only the Slack surface says (the modal, the Home tab, Slack-only refusals), in Italian first and English.
 * Kept beside the adapter rather than in src/i18n because no other surface shows it; `en` is typed as `it`'s
 * shape, so a missing translation fails the type check.
 */
const it = {
  modal: {
    title: "Paga un avviso",
    submit: "Leggi l'avviso",
    close: "Annulla",
    intro:
      "Carica la foto o il PDF dell'avviso pagoPA, oppure scrivi il codice avviso (18 cifre) e il codice fiscale " +
      "dell'ente (11 cifre).",
    fileLabel: "Foto o PDF dell'avviso",
    codesLabel: "Codici dell'avviso",
    codesPlaceholder: "3020 1672 3749 6700 00 80016350821",
    nothingGiven: "Carica un file o scrivi i codici dell'avviso.",
  },
  home: {
    title: "pagobot",
    intro:
      "Pago gli avvisi pagoPA per te, con DropPay. Condividi la foto o il PDF dell'avviso in un messaggio diretto " +
      "con me (o in un canale dove sono stato invitato), oppure usa /paga.",
    howTo:
      "*Come si usa*\n" +
      "• `/paga` apre un modulo dove caricare l'avviso o scrivere i codici\n" +
      "• `/paga <codice avviso> <codice fiscale ente>` mostra subito il riepilogo\n" +
      "• `/paga lista` i tuoi avvisi in sospeso · `/paga storico` gli ultimi pagamenti del canale · `/paga collega` collega il tuo conto DropPay · " +
      "`/paga aiuto` tutti i comandi\n" +
      "• In un canale di famiglia: `/paga famiglia` (chi paga, i limiti) · `/paga limite @marco 50`",
    openModal: "Paga un avviso",
    pending: "Da confermare",
    recent: "Ultimi pagamenti",
    nothingPending: "Nessun avviso in attesa.",
    nothingRecent: "Ancora nessun pagamento.",
  },
  inviteMe: "Non sono in questo canale: invitami con `/invite @pagobot`, oppure scrivimi in un messaggio diretto.",
};

const en: typeof it = {
  modal: {
    title: "Pay a notice",
    submit: "Read the notice",
    close: "Cancel",
    intro:
      "Upload the photo or PDF of the pagoPA notice, or type the notice number (18 digits) and the payee's fiscal " +
      "code (11 digits).",
    fileLabel: "Photo or PDF of the notice",
    codesLabel: "Notice codes",
    codesPlaceholder: "3020 1672 3749 6700 00 80016350821",
    nothingGiven: "Upload a file or type the notice's codes.",
  },
  home: {
    title: "pagobot",
    intro:
      "I pay pagoPA notices for you, with DropPay. Share the photo or PDF of a notice in a direct message with me " +
      "(or in a channel I was invited to), or use /pay.",
    howTo:
      "*How to use it*\n" +
      "• `/pay` opens a form to upload the notice or type its codes\n" +
      "• `/pay <notice number> <payee fiscal code>` shows the summary at once\n" +
      "• `/pay list` your pending notices · `/pay history` the channel's latest payments · `/pay link` links your DropPay account · " +
      "`/pay help` every command\n" +
      "• In a family channel: `/pay family` (who pays, the limits) · `/pay limit @marco 50`",
    openModal: "Pay a notice",
    pending: "Waiting for you",
    recent: "Latest payments",
    nothingPending: "No notice is waiting.",
    nothingRecent: "No payments yet.",
  },
  inviteMe: "I am not in this channel: invite me with `/invite @pagobot`, or write to me in a direct message.",
};

export type SlackMessages = typeof it;

export function slackMessages(locale: Locale): SlackMessages {
  return locale === "it" ? it : en;
}
