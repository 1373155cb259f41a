import type { Messages } from "./it.ts";

/** Everything pagobot says, in English: the same keys as Italian (the type check enforces it). */
export const en: Messages = {
  commands: {
    start: "start",
    help: "help",
    link: "link",
    unlink: "unlink",
    language: "language",
    cancel: "cancel",
    history: "history",
    list: "list",
    family: "family",
    limit: "limit",
  },
  commandDescriptions: {
    start: "Welcome and how it works",
    help: "How to use pagobot, and the commands",
    link: "Link your DropPay account",
    unlink: "Unlink your DropPay account",
    language: "Change language",
    cancel: "Drop the current question",
    history: "Latest payments in this chat",
    list: "Your notices not paid yet",
    family: "Set up this group's family, or show who pays and the limits",
    limit: "A family member's monthly limit (e.g. /limit @marco 50)",
  },
  botProfile: {
    description:
      "I pay pagoPA notices for you. Send me a photo or the PDF of a notice, or its notice number and the payee's " +
      "fiscal code: I show you the amount and the fees, and you pay with DropPay in one tap.",
    shortDescription: "Pay pagoPA notices from the chat: one photo, one tap.",
  },
  welcome: (name: string) =>
    `Hi ${name}! I'm pagobot and I pay pagoPA notices for you.\n` +
    "Send me a photo or the PDF of a notice, or type its notice number and the payee's fiscal code: " +
    "I show you the amount and the fees, and you pay with one tap.",
  welcomeDemo:
    "To try it you need nothing: you pay from a sandbox demo account and no real money moves. " +
    "To use your own DropPay account: /link.",
  welcomeLive: "Before paying, link your DropPay account with /link.",
  help:
    "How to use it:\n" +
    "• send a photo or the PDF of a payment notice (several notices at once work too);\n" +
    "• or type the notice number (18 digits) and the payee's fiscal code (11 digits);\n" +
    "• check the summary and press Pay.\n\n" +
    "Commands:\n" +
    "/link — link your DropPay account\n" +
    "/unlink — unlink it\n" +
    "/list — your notices not paid yet\n" +
    "/history — latest payments in this chat\n" +
    "/language — change language (Italiano / English)\n" +
    "/cancel — drop the current question\n" +
    "/family — in a group: the family, who pays and the limits\n" +
    "/limit — in a group: a family member's monthly limit (/limit @marco 50)\n" +
    "/help — this message",
  notUnderstood:
    "I didn't get that. Send me a photo or the PDF of a notice, or its notice number and the payee's fiscal code. " +
    "The commands are in /help.",
  reading: "Reading the notice…",
  readingQueued: "Lots of notices coming in: yours is next…",
  preparing: "Preparing the payment…",
  noQr:
    "I couldn't find a pagoPA QR code in this file.\n" +
    "Try this:\n" +
    "• send an image where the notice's QR code is whole and sharp;\n" +
    "• or type the codes: the notice number (18 digits) and the payee's fiscal code (11 digits), printed next to the QR code.",
  noQrFor: (kind: "photo" | "pdf", surface: "telegram" | "other") =>
    "I couldn't find a pagoPA QR code in this file.\n" +
    "Try this:\n" +
    (kind === "pdf"
      ? "• send the payee's original PDF, not a scan or a photo of a printout;\n"
      : "• take the photo again with the whole QR box in it, in focus and in good light;\n" +
        (surface === "telegram" ? "• send it as a file, so that Telegram does not shrink it;\n" : "")) +
    "• or type the codes: the notice number (18 digits) and the payee's fiscal code (11 digits), printed next to the QR code.",
  typeCodesButton: "Type the codes",
  typeCodesPrompt:
    "Type the notice number (18 digits) and the payee's fiscal code (11 digits), for example:\n" +
    "3020 1672 3749 6700 00 80016350821",
  askFiscalCode: "Got the notice number. Now type the payee's fiscal code (11 digits).",
  askNoticeNumber: "Got the payee's fiscal code. Now type the notice number (18 digits).",
  chooseOption: "This notice carries several payment codes. Which one do you want to pay?",
  optionInstalment: (n: number, amount: string) => `Instalment ${n} — ${amount}`,
  optionSingle: (amount: string) => `Single payment — ${amount}`,
  optionGeneric: (n: number, amount: string) => `Option ${n} — ${amount}`,
  optionNoAmount: (n: number, noticeNumber: string) => `Option ${n} — ${noticeNumber}`,
  chosen: (label: string) => `Chosen: ${label}`,
  alreadyOpen: "This notice is already open in this chat: here is its summary.",
  card: {
    title: "pagoPA notice",
    payee: "Payee",
    description: "Description",
    noticeNumber: "Notice number",
    dueDate: "Due date",
    amount: "Amount",
    amountOnNotice: (amount: string) => `${amount} on the notice`,
    fee: "Fee",
    agio: "Agio",
    total: "Total",
    account: "Account",
    balance: "Available balance",
    scheduledFor: "Payment date",
    iur: "IUR",
    paidOn: "Paid on",
    reason: "Reason",
    demoAccount: "Demo account",
    demoFooter: "Sandbox demo account: no real money moves.",
    statusToConfirm: "Check the details and press Pay.",
    statusInProgress: "In progress…",
    statusChecking: "Waiting for DropPay's outcome… (if the DropPay app asks you, approve the payment)",
    statusBooked: "Amount reserved on the account: press Pay whenever you like.",
    statusScheduled: (date: string) => `Scheduled for ${date}.`,
    statusPromised: "Payment accepted: the final confirmation will follow shortly.",
    statusPaid: "Paid ✅",
    statusFailed: "Payment failed ❌",
    statusCancelled: "Cancelled",
    staleClosed: (days: number) =>
      `Closed after ${days} days without payment. To pay it, send the notice again (photo, PDF or codes).`,
    statusAborted: "Stopped by DropPay",
    statusAwaitingLink: "Waiting for your DropPay account to be linked (/link).",
    balanceLow: "⚠️ The available balance does not cover this payment.",
    amountDiffers: "The current amount differs from the one printed on the notice.",
  },
  buttons: {
    pay: (total: string) => `Pay ${total}`,
    payOn: (total: string, date: string) => `Pay ${total} on ${date}`,
    cancel: "Cancel",
    book: "Reserve",
    schedule: "Schedule",
    retry: "Try again",
    link: "Link DropPay",
    italian: "Italiano",
    english: "English",
  },
  toast: {
    inProgress: "In progress…",
    alreadyInProgress: "The payment is already in progress.",
    notAllowed: (name: string) => `Only ${name} can decide on this payment.`,
    stale: "This summary has changed: use the buttons of the updated one.",
    closed: "This payment is already settled.",
    cancelling: "Cancelling…",
    booking: "Reserving the amount…",
    expired: "This button is no longer valid.",
  },
  amountChanged: (total: string) =>
    `The amount has changed: the total is now ${total}. Check the updated summary and press Pay again.`,
  cannotCancel: "The payment has already started: it can no longer be cancelled.",
  askDate: (example: string) => `On which day do you want to pay? Type the date (dd/mm/yyyy), for example ${example}.`,
  dateInvalid: (example: string) => `I can't read that date. Type it as dd/mm/yyyy, for example ${example}.`,
  datePast: "The date must be tomorrow or later.",
  dateTooLate: "You can schedule at most one year ahead.",
  dateChosen: (date: string) => `Date chosen: ${date}. Press the button on the summary to confirm.`,
  paid: (amount: string, payee: string, iur: string, date: string) =>
    `✅ Paid ${amount} to ${payee}.\nIUR ${iur} · ${date}`,
  promised: (amount: string, payee: string) =>
    `Payment of ${amount} to ${payee} accepted: the final confirmation will follow shortly.`,
  failed: (payee: string, reason: string) =>
    `❌ The payment to ${payee} failed: ${reason}.\n` +
    "You paid nothing: the money is back in your account. You can try again with the Try again button.",
  failedNoReason: (payee: string) =>
    `❌ The payment to ${payee} failed.\n` +
    "You paid nothing: the money is back in your account. You can try again with the Try again button.",
  cancelled: (payee: string) => `Payment to ${payee} cancelled.`,
  aborted: (payee: string) => `The payment to ${payee} was stopped by DropPay: the money is back in your account.`,
  alreadyPaidHere: (date: string, iur: string) =>
    `This notice was already paid in this chat on ${date} (IUR ${iur}): no need to pay it again.`,
  scheduled: (amount: string, date: string) => `Payment of ${amount} scheduled for ${date}.`,
  link: {
    intro: "To pay from your DropPay account, open the link and confirm in the DropPay app.",
    introSandbox: "Open the DropPay sandbox page and confirm the link.",
    linked: (account: string) => `DropPay account linked ✅ ${account}\nPayments now come from this account.`,
    linkedNoName: "DropPay account linked ✅ Payments now come from this account.",
    refused: "The link was refused. You can try again with /link.",
    already: "Your DropPay account is already linked. To unlink it, use /unlink.",
    unlinked: "Account unlinked: your DropPay access data has been deleted.",
    notLinked: "You have no DropPay account linked.",
    revokeInApp:
      "DropPay did not confirm that access was revoked: revoke it in the DropPay app too, under linked services.",
    first:
      "To pay you need a linked DropPay account: use /link. " +
      "I'll keep the notice and show you its summary as soon as the account is linked.",
    broken: "The link with DropPay is no longer valid: link your account again with /link.",
    resumed: (count: number) =>
      count === 1 ? "Here is the notice you sent me." : `Here are the ${count} notices you sent me.`,
  },
  language: {
    choose: "Choose your language:",
    set: "From now on I'll write to you in English.",
  },
  history: {
    empty: "No payments in this chat yet.",
    title: "Latest payments in this chat:",
    line: (date: string, payee: string, amount: string, status: string) => `${date} · ${payee} · ${amount} · ${status}`,
    status: {
      awaiting: "waiting",
      open: "to confirm",
      progress: "in progress",
      scheduled: "scheduled",
      promised: "accepted",
      paid: "paid",
      failed: "failed",
      cancelled: "cancelled",
      notCreated: "not created",
    },
  },
  list: {
    empty: "You have no pending notices: the ones you send show up here until they are paid or cancelled.",
    title: "Your pending notices:",
    line: (payee: string, detail: string, status: string) => `• ${payee} · ${detail} · ${status}`,
  },
  nothingToCancel: "There is nothing to cancel. To cancel a payment, use the Cancel button on its summary.",
  questionDropped: "All right, never mind.",
  unknownPayee: "the payee",
  errors: {
    pspBadRequest: "DropPay couldn't read the notice's data. Try again, or type the codes.",
    noticeNotFound: "Notice not found: check the notice number and the payee's fiscal code.",
    notPayable: "This notice is already paid, or the payee does not accept its payment.",
    alreadyBeingPaid: "This notice is already being paid with DropPay.",
    expired: "The notice has expired: contact the payee who issued it.",
    amountConflict: "The notice's amount has changed: check the summary again.",
    insufficientBalance: "Insufficient balance: top up your DropPay account and try again.",
    nodeUnavailable: "The pagoPA system is not answering right now. Try again later.",
    nodeRejected: "pagoPA is not accepting this payment right now. Try again later.",
    accessDenied: "DropPay does not allow this operation on this account.",
    pspUnreachable: "DropPay is not answering. Try again in a few minutes.",
    pspGeneric: "DropPay answered with an error. Try again in a few minutes.",
    fileTooLarge: (maxMb: number) => `The file is too large: the limit is ${maxMb} MB.`,
    tooManyPixels: "The image is too large to read: send a normal photo, or crop it to the QR code.",
    unsupportedType: "I can't read this kind of file: send a photo (JPEG, PNG…) or a PDF.",
    corruptFile: "The file is empty or damaged: check you picked the right one, or send a photo of the notice.",
    emptyFile: "The file is empty: check you picked the right one, or send a photo of the notice.",
    pdfEncrypted: "The PDF is password-protected: send me a photo of the notice.",
    pdfTooManyPages: "The PDF has too many pages: send me just the notice's page.",
    scannerBusy: "I'm reading a lot of notices right now: try again in a minute.",
    scanTimeout: "I couldn't read the image: try a sharper photo, or one cropped to the QR code.",
    downloadFailed: "I couldn't download the file: try sending it again.",
    fileAccess:
      "I cannot read files: the app lacks the files:read permission. " +
      "Ask the workspace admin to add it (by reinstalling the app from pagobot's manifest), " +
      "or type the notice's codes.",
    noticeNumberFormat: "A notice number has 18 digits: check it and type it again.",
    auxDigit: "A notice number starts with 0, 1, 2 or 3: check it and type it again.",
    fiscalCodeFormat: "A payee's fiscal code has 11 digits: check it and type it again.",
    badQr: "This QR code is not a valid pagoPA notice: try typing the codes.",
    badQrAmount: "The amount in the QR code is not valid: try typing the codes.",
    noNoticeInText: "I can't find a notice number (18 digits) in the message.",
    generic: "Something went wrong. Try again shortly.",
  },
};
