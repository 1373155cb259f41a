import type { Locale } from "../notice/money.ts";
import type { FamilyErrorCode } from "./errors.ts";
import type { ReminderKind } from "./store.ts";

/**
 * What the family flows say, Italian first. Amounts and dates arrive already formatted (src/i18n/format.ts);
 * names are the platform's display names. `en` is typed as `FamilyMessages`, so a string missing in English
 * fails the type check. Kept apart from src/i18n until the family flows are wired into the engine.
 */

/** "Anna", "Anna o Marco" / "Anna or Marco". */
const either = (names: readonly string[], or: string) =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} ${or} ${names.at(-1)}`;

export const familyIt = {
  commands: { family: "famiglia", limit: "limite", pending: "lista", history: "storico" },
  commandDescriptions: {
    family: "Crea la famiglia di questo gruppo, o mostra chi paga e i limiti",
    limit: "Imposta il limite mensile di un familiare (es. /limite @marco 50)",
    pending: "Avvisi ancora da pagare",
    history: "Ultimi pagamenti, con chi li ha chiesti e approvati",
  },
  household: {
    created: (payer: string, account: string) =>
      `Famiglia creata. Paga ${payer}, dal conto ${account}.\n` +
      "Chi manda un avviso in questo gruppo lo vede pagato dal suo conto dopo la sua approvazione. " +
      "Con /limite può lasciare pagare da soli gli importi piccoli.",
    title: "Famiglia di questo gruppo",
    payerLine: (name: string, account: string) => `Paga: ${name} (conto ${account})`,
    memberLine: (name: string, cap: string, spent: string) => `• ${name}: limite ${cap} al mese, usati ${spent}`,
    memberNoCap: (name: string) => `• ${name}: ogni avviso va approvato`,
    noMembers: "Nessun altro ha ancora scritto in questo gruppo.",
    needsAccount: "Per pagare per la famiglia serve un conto DropPay: collegalo con /collega, poi riprova /famiglia.",
    handedOver: (name: string) => `Ora paga ${name}, dal suo conto.`,
    payerAdded: (name: string) => `${name} ora può approvare e pagare, dal suo conto.`,
    payerRemoved: (name: string) => `${name} non paga più per la famiglia.`,
    capSet: (name: string, cap: string) => `${name} può pagare da solo fino a ${cap} al mese.`,
    capZero: (name: string) => `Ogni avviso di ${name} ora va approvato.`,
    capUsage: "Scrivi /limite @nome 50, oppure rispondi a un messaggio della persona con /limite 50.",
  },
  card: {
    /** The line that says whose account pays: every family card has it. */
    paysFrom: (name: string) => `Paga dal conto di ${name}`,
    approvalNeeded: (payers: readonly string[]) => `Serve l'approvazione di ${either(payers, "o")}`,
    overCap: (remaining: string) => `Supera il limite del mese (restano ${remaining})`,
    underCap: (remaining: string) => `Entro il limite del mese: restano ${remaining}`,
    askedBy: (name: string) => `Chiesto da ${name}`,
    approvedBy: (name: string) => `Approvato da ${name}`,
    refusedBy: (name: string) => `Rifiutato da ${name}`,
    dueDate: "Scadenza",
    dueRead: (date: string) => `${date} (letta dall'avviso)`,
    dueGiven: (date: string, name: string) => `${date} (indicata da ${name})`,
  },
  buttons: {
    approveAndPay: (total: string) => `Approva e paga ${total}`,
    refuse: "Rifiuta",
    remindMe: "Ricordamelo",
    dontRemind: "Non ricordarmelo",
  },
  toast: {
    onlyPayersApprove: (payers: readonly string[]) =>
      `Grazie, ma solo ${either(payers, "o")} può approvare questo pagamento.`,
    ownRequest: "Questo avviso è tuo: puoi pagarlo direttamente.",
    approved: "Approvato: pago…",
    refused: "Rifiutato.",
    alreadyPaying: (name: string) => `${name} lo sta già pagando.`,
    capExceeded: (remaining: string, payers: readonly string[]) =>
      `Supera il tuo limite del mese (restano ${remaining}): serve l'approvazione di ${either(payers, "o")}.`,
  },
  /** The same notice posted again in the household. */
  alreadyPaying: (name: string) => `${name} lo sta già pagando: ecco il suo riepilogo.`,
  alreadyPayingYou: "Stai già pagando questo avviso: ecco il suo riepilogo.",
  approvalRequest: (member: string, payers: readonly string[]) =>
    `${member} chiede di pagare questo avviso: serve l'approvazione di ${either(payers, "o")}.`,
  refusedMessage: (payer: string, payee: string) => `${payer} ha rifiutato il pagamento a ${payee}.`,
  /** Under the PAID / FAILED message: who asked, who approved. */
  attribution: (askedBy: string, approvedBy: string | null) =>
    approvedBy === null ? `Chiesto e pagato da ${askedBy}.` : `Chiesto da ${askedBy}, approvato da ${approvedBy}.`,
  dueDate: {
    ask: "Entro quando va pagato? Scrivi la data, per esempio 04/01/2025 o 4 gennaio.",
    set: (date: string) => `Ok: ti ricordo questo avviso 7 giorni prima, il giorno prima e il ${date}, alle 9.`,
    notUnderstood: "Non ho capito la data. Scrivila come 04/01/2025 o 4 gennaio 2025.",
    past: (date: string) => `Il ${date} è già passato: scrivi una data da oggi in poi.`,
  },
  reminder: {
    text: (kind: ReminderKind, payee: string, total: string, date: string) =>
      kind === "d7"
        ? `Promemoria: l'avviso di ${payee} da ${total} scade tra 7 giorni (${date}).`
        : kind === "d1"
          ? `Promemoria: l'avviso di ${payee} da ${total} scade domani (${date}).`
          : `Promemoria: l'avviso di ${payee} da ${total} scade oggi (${date}).`,
    stopped: "Va bene, non ti ricordo più questo avviso.",
  },
  pending: {
    title: "Avvisi da pagare",
    line: (payee: string, total: string, due: string | null, postedBy: string) =>
      `• ${payee} — ${total}${due === null ? "" : `, scade il ${due}`} (da ${postedBy})`,
    empty: "Nessun avviso da pagare in questo gruppo.",
    /** Under a household notice in a person's lists (Slack's Home): what /lista says of it in the group. */
    about: (postedBy: string, due: string | null) => `da ${postedBy}${due === null ? "" : `, scade il ${due}`}`,
  },
  history: {
    title: "Ultimi pagamenti",
    line: (date: string, payee: string, total: string, status: string) => `• ${date} — ${payee} — ${total} — ${status}`,
    people: (askedBy: string, approvedBy: string | null) =>
      approvedBy === null ? `  chiesto da ${askedBy}` : `  chiesto da ${askedBy}, approvato da ${approvedBy}`,
    iur: (iur: string) => `  IUR ${iur}`,
    empty: "Nessun pagamento in questo gruppo.",
    sendReceipt: "Ricevuta",
  },
  receipt: {
    title: "Ricevuta di pagamento pagoPA",
    payee: "Ente creditore",
    payeeFiscalCode: "Codice fiscale ente",
    description: "Causale",
    noticeNumber: "Codice avviso",
    amount: "Importo",
    fee: "Commissione",
    agio: "Aggio",
    total: "Totale pagato",
    iur: "IUR (identificativo univoco riscossione)",
    paidAt: "Data e ora del pagamento",
    timeZone: "ora italiana",
    account: "Pagato dal conto",
    askedBy: "Chiesto da",
    approvedBy: "Approvato da",
    noApproval: "nessuna approvazione necessaria",
    footer: "Ricevuta generata da pagobot con i dati del prestatore di servizi di pagamento (DropPay).",
    fileName: (iur: string) => `ricevuta-pagopa-${iur}.pdf`,
    caption: (payee: string, total: string) => `Ricevuta: ${payee}, ${total}`,
  },
  errors: {
    not_a_group: "La famiglia si crea in un gruppo: aggiungimi al gruppo di famiglia e scrivi lì /famiglia.",
    no_household: "In questo gruppo non c'è ancora una famiglia: chi paga scriva /famiglia.",
    household_exists: "Questo gruppo ha già una famiglia.",
    not_a_payer: "Solo chi paga per la famiglia può farlo.",
    unknown_member: "Non conosco ancora questa persona: deve prima scrivere qualcosa nel gruppo.",
    ambiguous_member: "Quel nome va bene per più persone: rispondi a un suo messaggio con /limite 50.",
    already_payer: "Questa persona paga già per la famiglia (al massimo due persone).",
    last_payer: "Serve almeno una persona che paghi: prima passa il ruolo a qualcun altro.",
    same_person: "Paghi già tu.",
    cap_invalid: "Il limite è un importo in euro, per esempio /limite @marco 50.",
    cap_exceeded: "Supera il limite del mese: serve l'approvazione.",
    own_request: "Questo avviso è tuo: puoi pagarlo direttamente.",
  } satisfies Record<FamilyErrorCode, string>,
};

export type FamilyMessages = typeof familyIt;

export const familyEn: FamilyMessages = {
  commands: { family: "family", limit: "limit", pending: "pending", history: "history" },
  commandDescriptions: {
    family: "Set up this group's family, or show who pays and the limits",
    limit: "Set a family member's monthly limit (e.g. /limit @marco 50)",
    pending: "Notices still to pay",
    history: "Recent payments, with who asked and who approved",
  },
  household: {
    created: (payer: string, account: string) =>
      `Family set up. ${payer} pays, from the account ${account}.\n` +
      "Notices posted in this group are paid from that account once approved. " +
      "With /limit small amounts can be paid without asking.",
    title: "This group's family",
    payerLine: (name: string, account: string) => `Pays: ${name} (account ${account})`,
    memberLine: (name: string, cap: string, spent: string) => `• ${name}: limit ${cap} a month, ${spent} used`,
    memberNoCap: (name: string) => `• ${name}: every notice needs approval`,
    noMembers: "Nobody else has written in this group yet.",
    needsAccount: "Paying for the family needs a DropPay account: link it with /link, then try /family again.",
    handedOver: (name: string) => `${name} pays from now on, from their account.`,
    payerAdded: (name: string) => `${name} can now approve and pay, from their account.`,
    payerRemoved: (name: string) => `${name} no longer pays for the family.`,
    capSet: (name: string, cap: string) => `${name} can pay up to ${cap} a month without asking.`,
    capZero: (name: string) => `Every notice from ${name} now needs approval.`,
    capUsage: "Write /limit @name 50, or reply to one of the person's messages with /limit 50.",
  },
  card: {
    paysFrom: (name: string) => `Paid from ${name}'s account`,
    approvalNeeded: (payers: readonly string[]) => `Needs ${either(payers, "or")}'s approval`,
    overCap: (remaining: string) => `Over this month's limit (${remaining} left)`,
    underCap: (remaining: string) => `Within this month's limit: ${remaining} left`,
    askedBy: (name: string) => `Asked by ${name}`,
    approvedBy: (name: string) => `Approved by ${name}`,
    refusedBy: (name: string) => `Declined by ${name}`,
    dueDate: "Due date",
    dueRead: (date: string) => `${date} (read from the notice)`,
    dueGiven: (date: string, name: string) => `${date} (given by ${name})`,
  },
  buttons: {
    approveAndPay: (total: string) => `Approve and pay ${total}`,
    refuse: "Decline",
    remindMe: "Remind me",
    dontRemind: "Don't remind me",
  },
  toast: {
    onlyPayersApprove: (payers: readonly string[]) =>
      `Thanks, but only ${either(payers, "or")} can approve this payment.`,
    ownRequest: "This notice is yours: you can pay it directly.",
    approved: "Approved: paying…",
    refused: "Declined.",
    alreadyPaying: (name: string) => `${name} is already paying it.`,
    capExceeded: (remaining: string, payers: readonly string[]) =>
      `Over your monthly limit (${remaining} left): needs ${either(payers, "or")}'s approval.`,
  },
  alreadyPaying: (name: string) => `${name} is already paying it: here is its summary.`,
  alreadyPayingYou: "You are already paying this notice: here is its summary.",
  approvalRequest: (member: string, payers: readonly string[]) =>
    `${member} asks to pay this notice: it needs ${either(payers, "or")}'s approval.`,
  refusedMessage: (payer: string, payee: string) => `${payer} declined the payment to ${payee}.`,
  attribution: (askedBy: string, approvedBy: string | null) =>
    approvedBy === null ? `Asked and paid by ${askedBy}.` : `Asked by ${askedBy}, approved by ${approvedBy}.`,
  dueDate: {
    ask: "When is it due? Write the date, for example 04/01/2025 or 4 January.",
    set: (date: string) => `OK: I will remind you 7 days before, the day before and on ${date}, at 9 am.`,
    notUnderstood: "I did not understand the date. Write it like 04/01/2025 or 4 January 2025.",
    past: (date: string) => `${date} has passed already: write a date from today on.`,
  },
  reminder: {
    text: (kind: ReminderKind, payee: string, total: string, date: string) =>
      kind === "d7"
        ? `Reminder: the ${payee} notice for ${total} is due in 7 days (${date}).`
        : kind === "d1"
          ? `Reminder: the ${payee} notice for ${total} is due tomorrow (${date}).`
          : `Reminder: the ${payee} notice for ${total} is due today (${date}).`,
    stopped: "All right, no more reminders for this notice.",
  },
  pending: {
    title: "Notices to pay",
    line: (payee: string, total: string, due: string | null, postedBy: string) =>
      `• ${payee} — ${total}${due === null ? "" : `, due ${due}`} (from ${postedBy})`,
    empty: "No notices to pay in this group.",
    /** Under a household notice in a person's lists (Slack's Home): what /lista says of it in the group. */
    about: (postedBy: string, due: string | null) => `from ${postedBy}${due === null ? "" : `, due ${due}`}`,
  },
  history: {
    title: "Recent payments",
    line: (date: string, payee: string, total: string, status: string) => `• ${date} — ${payee} — ${total} — ${status}`,
    people: (askedBy: string, approvedBy: string | null) =>
      approvedBy === null ? `  asked by ${askedBy}` : `  asked by ${askedBy}, approved by ${approvedBy}`,
    iur: (iur: string) => `  IUR ${iur}`,
    empty: "No payments in this group.",
    sendReceipt: "Receipt",
  },
  receipt: {
    title: "pagoPA payment receipt",
    payee: "Payee",
    payeeFiscalCode: "Payee tax code",
    description: "Description",
    noticeNumber: "Notice number",
    amount: "Amount",
    fee: "Fee",
    agio: "Surcharge",
    total: "Total paid",
    iur: "IUR (unique collection identifier)",
    paidAt: "Date and time of payment",
    timeZone: "Italian time",
    account: "Paid from account",
    askedBy: "Asked by",
    approvedBy: "Approved by",
    noApproval: "no approval needed",
    footer: "Receipt generated by pagobot from the payment service provider's (DropPay) data.",
    fileName: (iur: string) => `pagopa-receipt-${iur}.pdf`,
    caption: (payee: string, total: string) => `Receipt: ${payee}, ${total}`,
  },
  errors: {
    not_a_group: "A family lives in a group: add me to your family group and write /family there.",
    no_household: "This group has no family yet: whoever pays should write /family.",
    household_exists: "This group already has a family.",
    not_a_payer: "Only someone who pays for the family can do that.",
    unknown_member: "I don't know this person yet: they should write something in the group first.",
    ambiguous_member: "That name fits more than one person: reply to one of their messages with /limit 50.",
    already_payer: "This person pays for the family already (two people at most).",
    last_payer: "Someone must pay: hand the role over to someone else first.",
    same_person: "You pay already.",
    cap_invalid: "The limit is an amount in euro, for example /limit @marco 50.",
    cap_exceeded: "Over this month's limit: it needs approval.",
    own_request: "This notice is yours: you can pay it directly.",
  },
};

const catalogues: Record<Locale, FamilyMessages> = { it: familyIt, en: familyEn };

export function familyMessagesFor(locale: Locale): FamilyMessages {
  return catalogues[locale];
}

/** Both languages' names of each family command ("famiglia" and "family"), for the adapters' command parsing. */
export const familyCommandWords: readonly {
  readonly word: string;
  readonly command: keyof FamilyMessages["commands"];
}[] = (Object.keys(familyIt.commands) as (keyof FamilyMessages["commands"])[]).flatMap((command) => [
  { word: familyIt.commands[command], command },
  { word: familyEn.commands[command], command },
]);
