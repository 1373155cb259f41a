import type { PaymentRoute } from "../family/household.ts";
import type { Cents, Locale } from "../notice/money.ts";
import type { ChatRef } from "./events.ts";
import type { PayerRef, PaymentForm, PspStatus } from "./gateway-port.ts";
import type { View } from "./views.ts";

/**
 * What the engine keeps in the store. Every record is plain JSON; state changes go through the store's
 * compare-and-set, so that two presses, two people or two replicas can never both move a payment.
 */

/** A notice as the engine holds it: enough to create a form again (Riprova) or to show it. */
export interface NoticeRef {
  readonly noticeNumber: string;
  readonly fiscalCode: string;
  readonly rptId: string;
  /** The QR text when the notice came from a QR code (sent as codice_avviso_2d). */
  readonly qrText: string | null;
  /** The amount printed or encoded on the notice, if any. */
  readonly amountCents: Cents | null;
}

/**
 * Where a payment stands on our side. `status` (the PSP's) says where the money stands; `phase` says what the
 * engine is doing about it.
 * - awaiting_link: kept until the person links a DropPay account;
 * - creating: persisted before the create call (payments.md R1);
 * - open: the card is shown with its buttons;
 * - confirming: a Paga press won the claim; the form is being re-read and committed;
 * - executing: the disposition has been (or is being) sent: only the PSP's status moves it on;
 * - updating: a Prenota (PATCH BOOKED) is under way;
 * - cancelling: a DELETE is under way;
 * - closed: nothing more to do (a final status, or the create failed).
 */
export type PaymentPhase =
  | "awaiting_link"
  | "creating"
  | "open"
  | "updating"
  | "confirming"
  | "executing"
  | "cancelling"
  | "closed";

/** The figures a person sees on the card and confirms. */
export interface Figures {
  readonly amountCents: Cents;
  readonly feeCents: Cents;
  readonly agioCents: Cents;
  readonly totalCents: Cents;
}

export interface PaymentRecord {
  /** Our local id: in button records, the webhook path and the webhook credentials' user name. */
  readonly id: string;
  readonly chat: ChatRef;
  /** The person who sent the notice; they pay from their account, so only they may confirm or cancel. */
  readonly ownerId: string;
  readonly ownerName: string;
  /** The request id of the event that brought the notice in: every log line about the payment carries it. */
  readonly requestId?: string;
  readonly locale: Locale;
  readonly payer: PayerRef;
  readonly notice: NoticeRef;
  readonly phase: PaymentPhase;
  /** The last PSP status applied (forward only). */
  readonly status: PspStatus | null;
  readonly formId: string | null;
  /** The form as last read. */
  readonly form: PaymentForm | null;
  /** The figures on the card the person last saw with a Paga button. */
  readonly shown: Figures | null;
  /** The outbox slot of the card's message (edited in place as the payment moves). */
  readonly cardSlot: string;
  /** Bumped whenever the card's figures or buttons change; buttons of an older version are stale. */
  readonly cardVersion: number;
  /** A line under the card's title: why the person is asked again, a refusal, … (already translated). */
  readonly note: string | null;
  readonly booked: boolean;
  readonly scheduledDate: string | null;
  readonly confirmedBy: string | null;
  readonly confirmedAt: number | null;
  readonly executedAt: number | null;
  /** How many disposition POSTs were sent (never more than 2: payments.md R8). */
  readonly executePosts: number;
  /** DropPay answered the disposition (accepted, or waiting for the owner's approval): never send it again. */
  readonly executeAnswered: boolean;
  /** Statuses already announced with a message (each once, in order). */
  readonly announced: readonly PspStatus[];
  /**
   * What of this record's views is already in the outbox: the card of `cardVersion` and the first `announced`
   * announcements. Behind the record, the projection (payment-machine.ts) queues the rest under fixed delivery
   * ids. Unset on records written before it existed: they count as fully queued.
   */
  readonly queued?: { readonly cardVersion: number; readonly announced: number };
  /** A live process sent the disposition and got no answer (timeout, 5xx): a re-POST waits the full R8 delay. */
  readonly executeLost?: boolean;
  /** Set when the notice was posted in a household's group: whose account pays, who approved or refused. */
  readonly family?: FamilyPayment;
  /** Why the payment closed without a form (a create error code), for the history. */
  readonly closedReason: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A person, as a family payment names them ("approvato da Anna"). */
export interface PersonName {
  readonly userId: string;
  readonly name: string;
}

/**
 * A payment in a household: the owner (`ownerId`) is who asked; the money comes from `route.payer`'s account.
 * `route` is what the card offers (the payer's own Paga, a member's Paga under their cap, or Approva/Rifiuta for
 * a payer); at a member's Paga the cap's reservation (src/family/caps.ts) decides, atomically.
 */
export interface FamilyPayment {
  readonly householdId: string;
  readonly route: PaymentRoute;
  readonly approvedBy: PersonName | null;
  readonly refusedBy: PersonName | null;
  /** The member's Paga held the total on their monthly cap (committed on PAID, released otherwise). */
  readonly reserved: boolean;
  /**
   * When the notice is due: as someone gave it (after "Ricordamelo", or typed with the notice), or as read from
   * the notice's picture (`read`, `givenBy` then empty). Optional: older records have none.
   */
  readonly dueDate?: { readonly date: string; readonly givenBy: string; readonly read?: boolean } | null;
  /** Reminders at D-7, D-1 and on the day are set (until "Non ricordarmelo", or the payment is over). */
  readonly reminding?: boolean;
}

/** A button the engine put on a message: its `ref` is this record's id. */
export type ButtonRecord =
  | {
      readonly action:
        | "pay"
        | "cancel"
        | "book"
        | "schedule"
        | "retry"
        | "approve"
        | "refuse"
        | "remind"
        | "dont_remind"
        | "receipt";
      readonly paymentId: string;
      readonly cardVersion: number;
    }
  | { readonly action: "choose"; readonly choiceId: string; readonly index: number }
  | { readonly action: "type_codes" }
  | { readonly action: "language"; readonly locale: Locale };

/** Several notices found on one sheet, waiting for the person to pick one. */
export interface ChoiceRecord {
  readonly chat: ChatRef;
  readonly ownerId: string;
  readonly ownerName: string;
  readonly notices: readonly NoticeRef[];
  readonly locale: Locale;
}

/** What the bot asked a person in a chat and waits for as text. */
export type Awaiting =
  | { readonly kind: "codes"; readonly userId: string }
  | { readonly kind: "fiscal_code"; readonly userId: string; readonly noticeNumber: string }
  | { readonly kind: "notice_number"; readonly userId: string; readonly fiscalCode: string }
  | { readonly kind: "schedule_date"; readonly userId: string; readonly paymentId: string }
  /** After "Ricordamelo" on a household's card: when the notice is due. */
  | { readonly kind: "due_date"; readonly userId: string; readonly paymentId: string };

export interface ChatRecord {
  readonly awaiting: Awaiting | null;
  /** Recent payments in this chat, newest first (for /storico). */
  readonly recent: readonly string[];
}

export interface PersonRecord {
  /** Set with /lingua; otherwise the platform's locale decides. */
  readonly locale: Locale | null;
  readonly linked: { readonly since: number; readonly accountName: string | null } | null;
  /** Payments kept until the person links an account (their cards are shown once the link is granted). */
  readonly waiting: readonly string[];
  /** The payments this person sent, newest first (capped; optional: records stored before it read). */
  readonly recent?: readonly string[];
  /** The households (chat keys) the person belongs to: their overview lists each one's open notices. */
  readonly households?: readonly string[];
}

/** A pending `/collega`: the Connection the person has to grant. */
export interface LinkRequest {
  readonly requestId: string;
  readonly personKey: string;
  readonly chat: ChatRef;
  readonly userId: string;
  readonly createdAt: number;
}

/** Which payment, and which request, a delivery is about (for the log line of its sending). */
export interface DeliveryAbout {
  readonly paymentId: string;
  readonly requestId?: string;
}

/** A message on its way to a chat (the outbox): stored before it is sent, removed once sent. */
export interface Delivery {
  readonly id: string;
  readonly chat: ChatRef;
  /** What to send; left out of a sent delivery's record, which is kept only to recognise its id again. */
  readonly view?: View;
  /** The message slot this view goes to: edited when the slot already shows a message, else sent and recorded. */
  readonly slot: string | null;
  /** Send a new message even if the slot has one (the slot then points at the new one). */
  readonly fresh: boolean;
  /** For edits: the view's version (a card's cardVersion); older than what the slot shows means stale. */
  readonly version: number | null;
  readonly replyTo: string | null;
  /** Post in the thread of this slot's message, resolved when sent (optional: records stored before it read). */
  readonly threadOf?: string | null;
  /** Meant for this person only (never with a slot; optional: records stored before it read). */
  readonly audience?: { readonly userId: string } | null;
  /** The payment the view is about, for the log (its id and the request id that brought it in). */
  readonly about?: DeliveryAbout;
  readonly createdAt: number;
  readonly seq: number;
  readonly attempts: number;
  readonly state: "pending" | "sent";
  readonly messageId: string | null;
}

/** The message a slot shows. */
export interface SlotRecord {
  readonly messageId: string;
  /** The newest version of the view shown there (a card's cardVersion): an older edit arriving late is dropped. */
  readonly version?: number;
  /**
   * A hash of the view the message shows, known for sure: written once the platform took the view, cleared
   * before a different one is sent (so a process dying mid-edit leaves none). An edit to this same view is skipped.
   */
  readonly viewHash?: string;
}

/** When the reconciler next reads a non-final form (or a pending Connection). */
export interface ScheduleEntry {
  readonly kind: "payment" | "link";
  readonly id: string;
  readonly dueAt: number;
  readonly attempt: number;
  readonly since: number;
}
