/**
 * Everything pagobot says, in Italian (the first language). `en.ts` is typed as the same keys, so a message
 * missing in English fails the type check. Amounts and dates arrive already formatted (format.ts).
 */
export const it = {
  commands: {
    start: "start",
    help: "aiuto",
    link: "collega",
    unlink: "scollega",
    language: "lingua",
    cancel: "annulla",
    history: "storico",
    list: "lista",
    family: "famiglia",
    limit: "limite",
  },
  /** One line per command for the platforms' command menus (Telegram setMyCommands, Slack). */
  commandDescriptions: {
    start: "Benvenuto e istruzioni",
    help: "Come si usa e i comandi",
    link: "Collega il tuo conto DropPay",
    unlink: "Scollega il conto DropPay",
    language: "Cambia lingua",
    cancel: "Lascia perdere la domanda in corso",
    history: "Ultimi pagamenti di questa chat",
    list: "I tuoi avvisi ancora da pagare",
    family: "Crea la famiglia del gruppo, o mostra chi paga e i limiti",
    limit: "Limite mensile di un familiare (es. /limite @marco 50)",
  },
  /** What a chat platform shows about the bot before anyone writes (Telegram: at most 512 and 120 characters). */
  botProfile: {
    description:
      "Pago gli avvisi pagoPA per te. Mandami la foto o il PDF dell'avviso, oppure il codice avviso e il codice " +
      "fiscale dell'ente: ti mostro importo e commissioni e paghi con DropPay con un tocco.",
    shortDescription: "Paga gli avvisi pagoPA dalla chat: una foto e un tocco.",
  },
  welcome: (name: string) =>
    `Ciao ${name}! Sono pagobot e pago gli avvisi pagoPA per te.\n` +
    "Mandami una foto o il PDF dell'avviso, oppure scrivi il codice avviso e il codice fiscale dell'ente: " +
    "ti mostro importo e commissioni e paghi con un tocco.",
  welcomeDemo:
    "Per provare non serve nulla: paghi da un conto demo della sandbox, nessun denaro reale si muove. " +
    "Per usare il tuo conto DropPay: /collega.",
  welcomeLive: "Prima di pagare, collega il tuo conto DropPay con /collega.",
  help:
    "Come si usa:\n" +
    "• manda una foto o il PDF dell'avviso di pagamento (anche più avvisi insieme);\n" +
    "• oppure scrivi il codice avviso (18 cifre) e il codice fiscale dell'ente (11 cifre);\n" +
    "• controlla il riepilogo e premi Paga.\n\n" +
    "Comandi:\n" +
    "/collega — collega il tuo conto DropPay\n" +
    "/scollega — scollega il conto\n" +
    "/lista — i tuoi avvisi ancora da pagare\n" +
    "/storico — gli ultimi pagamenti di questa chat\n" +
    "/lingua — cambia lingua (Italiano / English)\n" +
    "/annulla — lascia perdere la domanda in corso\n" +
    "/famiglia — in un gruppo: la famiglia, chi paga e i limiti\n" +
    "/limite — in un gruppo: il limite mensile di un familiare (/limite @marco 50)\n" +
    "/aiuto — questo messaggio",
  notUnderstood:
    "Non ho capito. Mandami la foto o il PDF di un avviso, oppure il codice avviso e il codice fiscale dell'ente. " +
    "I comandi sono in /aiuto.",
  reading: "Sto leggendo l'avviso…",
  readingQueued: "Tanti avvisi in arrivo: il tuo è il prossimo…",
  preparing: "Preparo il pagamento…",
  /** The no-QR answer when the engine does not say what the file was: nothing about cameras or one platform. */
  noQr:
    "Non ho trovato il codice QR di un avviso pagoPA in questo file.\n" +
    "Prova così:\n" +
    "• manda un'immagine in cui il QR dell'avviso si veda intero e nitido;\n" +
    "• oppure scrivi i codici: codice avviso (18 cifre) e codice fiscale dell'ente (11 cifre), stampati accanto al QR.",
  /** The no-QR answer for what the file was (a photo or a PDF) and where it came from (Telegram shrinks photos). */
  noQrFor: (kind: "photo" | "pdf", surface: "telegram" | "other") =>
    "Non ho trovato il codice QR di un avviso pagoPA in questo file.\n" +
    "Prova così:\n" +
    (kind === "pdf"
      ? "• manda il PDF originale dell'ente, non una scansione o una foto stampata;\n"
      : "• rifai la foto con il riquadro del QR intero, a fuoco e con buona luce;\n" +
        (surface === "telegram" ? "• mandala come file, così Telegram non la rimpicciolisce;\n" : "")) +
    "• oppure scrivi i codici: codice avviso (18 cifre) e codice fiscale dell'ente (11 cifre), stampati accanto al QR.",
  typeCodesButton: "Scrivi i codici",
  typeCodesPrompt:
    "Scrivi il codice avviso (18 cifre) e il codice fiscale dell'ente (11 cifre), per esempio:\n" +
    "3020 1672 3749 6700 00 80016350821",
  askFiscalCode: "Ho il codice avviso. Ora scrivi il codice fiscale dell'ente creditore (11 cifre).",
  askNoticeNumber: "Ho il codice fiscale dell'ente. Ora scrivi il codice avviso (18 cifre).",
  chooseOption: "Su questo avviso ci sono più codici di pagamento. Quale vuoi pagare?",
  optionInstalment: (n: number, amount: string) => `Rata ${n} — ${amount}`,
  optionSingle: (amount: string) => `Rata unica — ${amount}`,
  optionGeneric: (n: number, amount: string) => `Opzione ${n} — ${amount}`,
  optionNoAmount: (n: number, noticeNumber: string) => `Opzione ${n} — ${noticeNumber}`,
  chosen: (label: string) => `Scelta: ${label}`,
  alreadyOpen: "Questo avviso è già aperto in questa chat: ecco il suo riepilogo.",
  card: {
    title: "Avviso pagoPA",
    payee: "Ente",
    description: "Causale",
    noticeNumber: "Codice avviso",
    dueDate: "Scadenza",
    amount: "Importo",
    amountOnNotice: (amount: string) => `${amount} sull'avviso`,
    fee: "Commissione",
    agio: "Agio",
    total: "Totale",
    account: "Conto",
    balance: "Saldo disponibile",
    scheduledFor: "Data di pagamento",
    iur: "IUR",
    paidOn: "Pagato il",
    reason: "Motivo",
    demoAccount: "Conto demo",
    demoFooter: "Conto demo della sandbox: nessun movimento di denaro reale.",
    statusToConfirm: "Controlla i dati e premi Paga.",
    statusInProgress: "In corso…",
    statusChecking: "In attesa dell'esito da DropPay… (se l'app DropPay te lo chiede, approva il pagamento)",
    statusBooked: "Importo prenotato sul conto: premi Paga quando vuoi.",
    statusScheduled: (date: string) => `Programmato per il ${date}.`,
    statusPromised: "Pagamento accettato: la conferma definitiva arriverà a breve.",
    statusPaid: "Pagato ✅",
    statusFailed: "Pagamento non riuscito ❌",
    statusCancelled: "Annullato",
    staleClosed: (days: number) =>
      `Chiuso dopo ${days} giorni senza pagamento. Per pagarlo, manda di nuovo l'avviso (foto, PDF o codici).`,
    statusAborted: "Interrotto da DropPay",
    statusAwaitingLink: "In attesa del collegamento del conto DropPay (/collega).",
    balanceLow: "⚠️ Il saldo disponibile non basta per questo pagamento.",
    amountDiffers: "L'importo attuale è diverso da quello stampato sull'avviso.",
  },
  buttons: {
    pay: (total: string) => `Paga ${total}`,
    payOn: (total: string, date: string) => `Paga ${total} il ${date}`,
    cancel: "Annulla",
    book: "Prenota",
    schedule: "Programma",
    retry: "Riprova",
    link: "Collega DropPay",
    italian: "Italiano",
    english: "English",
  },
  toast: {
    inProgress: "In corso…",
    alreadyInProgress: "Il pagamento è già in corso.",
    notAllowed: (name: string) => `Solo ${name} può decidere su questo pagamento.`,
    stale: "Questo riepilogo è cambiato: usa i pulsanti del riepilogo aggiornato.",
    closed: "Questo pagamento è già concluso.",
    cancelling: "Annullo…",
    booking: "Prenoto l'importo…",
    expired: "Questo pulsante non è più valido.",
  },
  amountChanged: (total: string) =>
    `L'importo è cambiato: ora il totale è ${total}. Controlla il riepilogo aggiornato e premi di nuovo Paga.`,
  cannotCancel: "Il pagamento è già partito: non si può più annullare.",
  askDate: (example: string) => `In che giorno vuoi pagare? Scrivi la data (gg/mm/aaaa), per esempio ${example}.`,
  dateInvalid: (example: string) => `Non riconosco la data. Scrivila come gg/mm/aaaa, per esempio ${example}.`,
  datePast: "La data deve essere da domani in poi.",
  dateTooLate: "Puoi programmare al massimo un anno avanti.",
  dateChosen: (date: string) => `Data scelta: ${date}. Premi il pulsante sul riepilogo per confermare.`,
  paid: (amount: string, payee: string, iur: string, date: string) =>
    `✅ Pagato ${amount} a ${payee}.\nIUR ${iur} · ${date}`,
  promised: (amount: string, payee: string) =>
    `Pagamento di ${amount} a ${payee} accettato: la conferma definitiva arriverà a breve.`,
  failed: (payee: string, reason: string) =>
    `❌ Il pagamento a ${payee} non è riuscito: ${reason}.\n` +
    "Non hai pagato nulla: l'importo è tornato sul tuo conto. Puoi riprovare con il pulsante Riprova.",
  failedNoReason: (payee: string) =>
    `❌ Il pagamento a ${payee} non è riuscito.\n` +
    "Non hai pagato nulla: l'importo è tornato sul tuo conto. Puoi riprovare con il pulsante Riprova.",
  cancelled: (payee: string) => `Pagamento a ${payee} annullato.`,
  aborted: (payee: string) =>
    `Il pagamento a ${payee} è stato interrotto da DropPay: l'importo è tornato sul tuo conto.`,
  /** The same notice sent again after it was paid in this chat (needs the engine to look in the chat's history). */
  alreadyPaidHere: (date: string, iur: string) =>
    `Questo avviso è già stato pagato in questa chat il ${date} (IUR ${iur}): non serve pagarlo di nuovo.`,
  scheduled: (amount: string, date: string) => `Pagamento di ${amount} programmato per il ${date}.`,
  link: {
    intro: "Per pagare dal tuo conto DropPay, apri il link e conferma il collegamento nell'app DropPay.",
    introSandbox: "Apri la pagina della sandbox DropPay e conferma il collegamento.",
    linked: (account: string) => `Conto DropPay collegato ✅ ${account}\nOra i pagamenti partono da questo conto.`,
    linkedNoName: "Conto DropPay collegato ✅ Ora i pagamenti partono da questo conto.",
    refused: "Collegamento rifiutato. Puoi riprovare con /collega.",
    already: "Il tuo conto DropPay è già collegato. Per scollegarlo usa /scollega.",
    unlinked: "Conto scollegato: ho cancellato i tuoi dati di accesso a DropPay.",
    notLinked: "Non hai un conto DropPay collegato.",
    revokeInApp:
      "DropPay non ha confermato la revoca dell'accesso: revocalo anche dall'app DropPay, tra i servizi collegati.",
    first:
      "Per pagare serve un conto DropPay collegato: usa /collega. " +
      "Tengo da parte l'avviso e ti mostro il riepilogo appena il conto è collegato.",
    broken: "Il collegamento con DropPay non è più valido: ricollega il conto con /collega.",
    resumed: (count: number) =>
      count === 1 ? "Ecco l'avviso che mi avevi mandato." : `Ecco i ${count} avvisi che mi avevi mandato.`,
  },
  language: {
    choose: "Scegli la lingua:",
    set: "D'ora in poi ti scrivo in italiano.",
  },
  history: {
    empty: "Ancora nessun pagamento in questa chat.",
    title: "Ultimi pagamenti in questa chat:",
    line: (date: string, payee: string, amount: string, status: string) => `${date} · ${payee} · ${amount} · ${status}`,
    status: {
      awaiting: "in attesa",
      open: "da confermare",
      progress: "in corso",
      scheduled: "programmato",
      promised: "accettato",
      paid: "pagato",
      failed: "non riuscito",
      cancelled: "annullato",
      notCreated: "non creato",
    },
  },
  /** /lista: the notices a person sent that are not over yet (read from the engine's read API). */
  list: {
    empty: "Non hai avvisi in sospeso: quelli che mandi compaiono qui finché non sono pagati o annullati.",
    title: "I tuoi avvisi in sospeso:",
    line: (payee: string, detail: string, status: string) => `• ${payee} · ${detail} · ${status}`,
  },
  nothingToCancel: "Non c'è niente da annullare. Per annullare un pagamento usa il pulsante Annulla sul suo riepilogo.",
  questionDropped: "Va bene, lascio stare.",
  unknownPayee: "l'ente",
  errors: {
    pspBadRequest: "Non sono riuscito a far leggere i dati dell'avviso a DropPay. Riprova, oppure scrivi i codici.",
    noticeNotFound: "Avviso non trovato: controlla il codice avviso e il codice fiscale dell'ente.",
    notPayable: "Questo avviso risulta già pagato, o l'ente non ne permette il pagamento.",
    alreadyBeingPaid: "Questo avviso è già in pagamento con DropPay.",
    expired: "L'avviso è scaduto: contatta l'ente che lo ha emesso.",
    amountConflict: "L'importo dell'avviso è cambiato: ricontrolla il riepilogo.",
    insufficientBalance: "Saldo insufficiente: ricarica il conto DropPay e riprova.",
    nodeUnavailable: "Il sistema pagoPA non risponde in questo momento. Riprova più tardi.",
    nodeRejected: "pagoPA non accetta questo pagamento in questo momento. Riprova più tardi.",
    accessDenied: "DropPay non permette questa operazione a questo conto.",
    pspUnreachable: "DropPay non risponde. Riprova tra qualche minuto.",
    pspGeneric: "DropPay ha risposto con un errore. Riprova tra qualche minuto.",
    fileTooLarge: (maxMb: number) => `Il file è troppo grande: il massimo è ${maxMb} MB.`,
    tooManyPixels: "L'immagine è troppo grande da leggere: manda una foto normale o ritaglia il QR.",
    unsupportedType: "Non so leggere questo tipo di file: manda una foto (JPEG, PNG…) o un PDF.",
    corruptFile:
      "Il file è vuoto o danneggiato: controlla di aver scelto quello giusto, oppure manda una foto dell'avviso.",
    /** A 0-byte file (needs the scanner to tell an empty file from a damaged one). */
    emptyFile: "Il file è vuoto: controlla di aver scelto quello giusto, oppure manda una foto dell'avviso.",
    pdfEncrypted: "Il PDF è protetto da password: mandami una foto dell'avviso.",
    pdfTooManyPages: "Il PDF ha troppe pagine: mandami solo la pagina dell'avviso.",
    scannerBusy: "Sto leggendo tanti avvisi in questo momento: riprova tra un minuto.",
    scanTimeout: "Non sono riuscito a leggere l'immagine: prova con una foto più nitida, o ritagliata sul QR.",
    downloadFailed: "Non sono riuscito a scaricare il file: prova a mandarlo di nuovo.",
    fileAccess:
      "Non posso leggere i file: all'app manca il permesso files:read. " +
      "Chiedi a chi amministra lo spazio di lavoro di aggiungerlo (reinstallando l'app dal manifest di pagobot), " +
      "oppure scrivi i codici dell'avviso.",
    noticeNumberFormat: "Il codice avviso ha 18 cifre: controllalo e riscrivilo.",
    auxDigit: "Un codice avviso inizia con 0, 1, 2 o 3: controllalo e riscrivilo.",
    fiscalCodeFormat: "Il codice fiscale dell'ente ha 11 cifre: controllalo e riscrivilo.",
    badQr: "Questo QR non è un avviso pagoPA valido: prova a scrivere i codici.",
    badQrAmount: "L'importo nel QR non è valido: prova a scrivere i codici.",
    noNoticeInText: "Non trovo un codice avviso (18 cifre) nel messaggio.",
    generic: "Qualcosa è andato storto. Riprova tra poco.",
  },
};

/** The shape every language provides. */
export type Messages = typeof it;
