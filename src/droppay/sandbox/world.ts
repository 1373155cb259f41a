import type { SandboxRandom } from "./random.ts";
import type { AccountRecord, ConnectionRecord, FormRecord, SandboxState } from "./state.ts";

/** How long the sandbox's pagoPA node takes, in real milliseconds. */
export interface SandboxTiming {
  /** RUNNING → PAID/FAILED/PROMISED. */
  readonly settleMs: number;
  /** PROMISED → PAID. */
  readonly promisedMs: number;
  /** The "slow" test payee: extra wait on create, disposition and settlement. */
  readonly slowMs: number;
}

export const defaultTiming: SandboxTiming = { settleMs: 1_500, promisedMs: 3_000, slowMs: 4_000 };

/** An error answer the sandbox gives: status, DropPay code and description; `code: null` answers with no body. */
export class SandboxFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string | null,
    readonly description: string,
  ) {
    super(`${status}/${code ?? "-"} ${description}`);
    this.name = "SandboxFailure";
  }
}

/** The answers of DropPay's reference, word for word. */
export const failures = {
  missingArguments: (detail?: string) =>
    new SandboxFailure(400, "100", detail ? `Missing arguments: ${detail}` : "Missing arguments"),
  notFound: () => new SandboxFailure(404, "310", "Unable to find payment referred data"),
  statusViolation: () => new SandboxFailure(409, "310", "PagoPA central service payment status violation"),
  duplicated: () => new SandboxFailure(409, "311", "PagoPA duplicated"),
  expired: () => new SandboxFailure(409, "312", "PagoPA expired"),
  amountConflict: () => new SandboxFailure(409, "313", "Order amount conflicts with current PagoPA paymen data"),
  alreadyPresented: (formId: string) => new SandboxFailure(409, "314", `PagoPA already presented in {${formId}}`),
  insufficientBalance: () => new SandboxFailure(409, "320", "Insufficient available balance"),
  nodeUnavailable: () => new SandboxFailure(500, "310", "PagoPA central service unavailable"),
  nodeRejected: () => new SandboxFailure(500, "311", "PagoPA central service rejected the request"),
  wrongCredentials: () => new SandboxFailure(401, "100", "Wrong credentials"),
  tokenExpired: () => new SandboxFailure(401, "102", "Access token bad or expired"),
  accessDenied: () => new SandboxFailure(403, "101", "Access denied"),
  noBody: (status: number) => new SandboxFailure(status, null, ""),
} as const;

/** What every part of the sandbox shares: the state, time, chance, and what to do after a change. */
export interface SandboxWorld {
  readonly state: SandboxState;
  readonly random: SandboxRandom;
  readonly timing: SandboxTiming;
  /** The injected clock plus the admin's offset. */
  now(): number;
  /** Today in Rome ("YYYY-MM-DD"), by `now()`. */
  today(): string;
  /** Whether dispositions wait for the owner's approval. */
  secondFactor: boolean;
  /** The sandbox's own URL, for sharing links. */
  baseUrl: string;
  /** After a form changed: save, tell listeners and, when its status changed, queue its webhook. */
  formChanged(form: FormRecord, statusChanged: boolean): void;
  /** After a Connection's status changed: save, tell listeners, queue its webhook. */
  connectionChanged(connection: ConnectionRecord): void;
  /** After any other change (accounts, tokens): save and tell listeners. */
  changed(): void;
  /** Runs `task` after `ms` real milliseconds; cancelled when the sandbox closes. */
  later(ms: number, task: () => void): void;
}

/** Money a form charges: notice amount + fee + agio (payments.md R7). */
export function formTotalCents(form: FormRecord): number {
  return form.noticeAmountCents + form.feeCents + form.agioCents;
}

/** What an account can still spend. */
export function availableCents(account: AccountRecord): number {
  return account.balanceCents - account.reservedCents;
}

/** The account of a form (always present: accounts are never deleted). */
export function accountOf(world: SandboxWorld, form: FormRecord): AccountRecord {
  const account = world.state.accounts[form.accountId];
  if (account === undefined) throw new Error(`sandbox state lost account ${form.accountId}`);
  return account;
}
