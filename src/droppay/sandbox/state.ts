import { createHash } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import type { Logger } from "../../log/logger.ts";
import type { FormStatus, NoticePayer } from "../form.ts";
import type { TestBehaviour } from "./test-notices.ts";

/** A sandbox DropPay account. Money in cents; `reservedCents` is what BOOKED and SCHEDULED forms hold. */
export interface AccountRecord {
  id: string;
  iban: string;
  ownerName: string;
  username: string;
  accountClass: "PERSONAL" | "BUSINESS";
  balanceCents: number;
  reservedCents: number;
  createdAt: number;
  /** What the account started with: a reset gives it back (absent in data files written before resets). */
  openingBalanceCents?: number;
  /** Whose it is in the app that asked for it (pagobot's person key, e.g. `playground:<user>`), when it said. */
  holderRef?: string | null;
}

/** A sandbox form. `reservedCents` is held on the account; `chargedCents` has left it (refunded on FAILED/ABORTED). */
export interface FormRecord {
  id: string;
  accountId: string;
  status: FormStatus;
  description: string | null;
  createdAt: number;
  updatedAt: number;
  scheduledDate: string | null;
  settlementDate: string | null;
  noticeNumber: string;
  fiscalCode: string;
  qrText: string | null;
  noticeAmountCents: number;
  feeCents: number;
  agioCents: number;
  payeeName: string;
  causale: string;
  causaleType: string;
  causaleData: Record<string, unknown> | null;
  presentedPayer: NoticePayer | null;
  nodePayer: NoticePayer | null;
  iur: string | null;
  /** The listener, credentials included; only the webhook sender reads it. */
  webhookUrl: string | null;
  behaviour: TestBehaviour | null;
  reservedCents: number;
  chargedCents: number;
  /** Second factor: "pending" while a disposition waits for the owner's approval. */
  approval: "none" | "pending";
}

/** An access token, stored by its SHA-256 (the state file holds no usable token). */
export interface TokenRecord {
  kind: "app" | "user";
  appKey: string | null;
  accountId: string | null;
  expiresAt: number;
  /** A user token's connection code: revoking its Connection ends the token (optional: older state files). */
  connectionCode?: string;
}

/** A refresh token, by its SHA-256: it renews the user token of `connectionCode`. */
export interface RefreshRecord {
  connectionCode: string;
  appKey: string | null;
}

/** A Connection and, once granted, the account it opens. */
export interface ConnectionRecord {
  id: string;
  appKey: string;
  status: "WAITING" | "GRANTED" | "REFUSED" | "DELETED";
  webhookUrl: string | null;
  createdAt: number;
  accountId: string | null;
  connectionCode: string | null;
}

/**
 * A connection code and the account it opens. Kept in clear, unlike tokens: DropPay hands the same code back
 * on every read of a granted Connection, so the sandbox must be able to.
 */
export interface ConnectionCodeRecord {
  accountId: string;
  /** The application it was granted to; null for codes of /sandbox/v1/accounts, usable by any application. */
  appKey: string | null;
  revoked: boolean;
}

/** What the sandbox's pagoPA node knows about a notice. */
export interface NoticeRecord {
  amountCents: number;
  payeeName: string;
  causale: string;
  causaleType: string;
  causaleData: Record<string, unknown> | null;
  paidByFormId: string | null;
}

/** Everything the sandbox remembers; plain JSON, so that a restart can reload it from the data file. */
export interface SandboxState {
  version: 1;
  clockOffsetMs: number;
  accounts: Record<string, AccountRecord>;
  forms: Record<string, FormRecord>;
  tokens: Record<string, TokenRecord>;
  refreshTokens: Record<string, RefreshRecord>;
  connections: Record<string, ConnectionRecord>;
  connectionCodes: Record<string, ConnectionCodeRecord>;
  /** By RptId (payee fiscal code + notice number). */
  notices: Record<string, NoticeRecord>;
}

export function emptyState(): SandboxState {
  return {
    version: 1,
    clockOffsetMs: 0,
    accounts: {},
    forms: {},
    tokens: {},
    refreshTokens: {},
    connections: {},
    connectionCodes: {},
    notices: {},
  };
}

/** The key a token is stored under. */
export function tokenKey(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Reads the data file; a missing file gives an empty state, an unreadable one is reported and replaced. */
export async function loadState(file: string, logger: Logger): Promise<SandboxState> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyState();
    throw error;
  }
  try {
    const state = JSON.parse(text) as SandboxState;
    if (state.version === 1 && typeof state.forms === "object") return { ...emptyState(), ...state };
  } catch {
    // fall through: a damaged file must not stop the playground from starting
  }
  logger.warn("sandbox data file unreadable; starting empty", { file });
  return emptyState();
}

/** Writes the data file atomically (a crash mid-write leaves the previous file). */
export async function saveState(file: string, state: SandboxState): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, JSON.stringify(state), "utf8");
  await rename(temporary, file);
}
