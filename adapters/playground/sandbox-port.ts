import type { Cents } from "../../src/notice/money.ts";

/** A sandbox test notice, as the side panel lists it (the DropPay sandbox owns the list and what each does). */
export interface PanelTestNotice {
  /** Stable id used in URLs (e.g. the payee fiscal code). */
  readonly id: string;
  /** What the notice does when paid, in a few words ("ends PAID", "expired"), per locale. */
  readonly label: { readonly it: string; readonly en: string };
  /** What the sandbox does when it is paid, one line per locale. */
  readonly effect?: { readonly it: string; readonly en: string };
  readonly payeeName: string;
  readonly payeeFiscalCode: string;
  readonly noticeNumber: string;
  readonly amountCents: Cents;
  readonly description: string;
}

/** A funded sandbox account. */
export interface PanelAccount {
  readonly id: string;
  readonly owner: string;
  readonly iban: string;
  readonly balanceCents: Cents;
  /** The balance less what booked and scheduled payments hold, when it differs. */
  readonly availableCents?: Cents;
  /** Whose demo account it is: pagobot's person key (`playground:<user id>`), when the account was made for one. */
  readonly holder?: string;
}

/** What a sandbox reset cleared. */
export interface PanelResetSummary {
  readonly noticesForgotten: number;
  readonly accountsRefilled: number;
}

/** Something waiting for the account owner's approval in "the DropPay app": a Connection or a payment. */
export interface PanelApproval {
  readonly id: string;
  readonly kind: "connection" | "payment";
  /** One line saying what would be approved (who links, which amount to whom). */
  readonly summary: string;
}

/**
 * What the side panel needs from the DropPay sandbox: the test notices, accounts, pending approvals and the
 * chaos switch. A structural port, so the adapter never reaches into the sandbox's internals.
 */
export interface PlaygroundSandbox {
  testNotices(): readonly PanelTestNotice[];
  /**
   * The test notice `id` with a notice number never issued before (same payee, so the same behaviour): each
   * "Invia in chat" is a new notice, so a demo can be repeated. Undefined for an unknown id.
   */
  freshNotice(id: string): PanelTestNotice | undefined;
  /** Adds money to an account. */
  topUp(accountId: string, cents: Cents): Promise<void>;
  /** Starts the demo again: notices payable again, balances back to their opening amounts. */
  reset(): Promise<PanelResetSummary>;
  /** Names the demo accounts of these people (person key → name): accounts made for nobody are left alone. */
  nameHolders(names: ReadonlyMap<string, string>): Promise<void>;
  accounts(): Promise<readonly PanelAccount[]>;
  approvals(): Promise<readonly PanelApproval[]>;
  decideApproval(id: string, grant: boolean): Promise<void>;
  chaos(): Promise<boolean>;
  setChaos(enabled: boolean): Promise<void>;
}
