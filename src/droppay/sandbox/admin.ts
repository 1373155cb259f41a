import type { Cents } from "../../notice/money.ts";
import { rptIdOf } from "../../notice/notice.ts";
import type { DropPayRoute } from "../errors.ts";
import type { PagoPaForm } from "../form.ts";
import { adjustBalance, connectionView, createAccount, grantConnection, refuseConnection } from "./accounts.ts";
import { expireAllTokens } from "./auth-state.ts";
import { approveDisposition, refuseDisposition, runDueScheduled } from "./execution.ts";
import type { CallCounts, FaultBoard, FaultRule, SandboxFault } from "./faults.ts";
import { formView } from "./form-view.ts";
import { sandboxFeeCents } from "./forms.ts";
import type { AccountRecord, ConnectionRecord, FormRecord } from "./state.ts";
import { type SandboxTestNotice, sandboxTestNotices } from "./test-notices.ts";
import type { WebhookChaos, WebhookDispatcher, WebhookLogEntry } from "./webhooks.ts";
import { availableCents, failures, type SandboxWorld } from "./world.ts";

/** A sandbox account as the admin API shows it. */
export interface SandboxAccountView {
  readonly id: string;
  readonly iban: string;
  readonly ownerName: string;
  readonly username: string;
  readonly accountClass: "PERSONAL" | "BUSINESS";
  readonly balanceCents: Cents;
  /** Held by BOOKED and SCHEDULED forms. */
  readonly reservedCents: Cents;
  readonly availableCents: Cents;
  /** Whose it is in the app that asked for it (pagobot's person key), when it said. */
  readonly holderRef: string | null;
}

/** What a reset cleared. */
export interface SandboxResetSummary {
  /** Notices the node had recorded as paid, payable again. */
  readonly noticesForgotten: number;
  /** Accounts whose balance went back to their opening balance. */
  readonly accountsRefilled: number;
}

/** A sandbox form: what DropPay's GET shows, plus whose it is and whether it waits for the owner's approval. */
export interface SandboxFormView extends PagoPaForm {
  readonly accountId: string;
  readonly awaitingApproval: boolean;
  readonly hasWebhook: boolean;
}

/** A Connection as the admin API shows it (no connection code: ask DropPay's GET for that). */
export interface SandboxConnectionView {
  readonly id: string;
  readonly status: string;
  readonly sharingUrl: string;
  readonly accountId: string | null;
  readonly appKey: string;
}

/** A funded test account and the credentials that open it. */
export interface SandboxAccountCredentials {
  readonly account: SandboxAccountView;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
  /** Exchange it (`POST /oa2/v1/ac/token`) with any sandbox application's key and secret. */
  readonly connectionCode: string;
}

/**
 * The sandbox's controls for tests and the playground: state, approvals, faults, counters, time, webhooks.
 * Methods throw SandboxFailure for unknown ids or wrong states.
 */
export interface SandboxAdmin {
  createAccount(options: {
    balanceCents: number;
    ownerName?: string;
    accountClass?: "PERSONAL" | "BUSINESS";
    holderRef?: string;
  }): SandboxAccountCredentials;
  /** Renames an account (the playground names demo accounts after the person they belong to). */
  nameAccount(accountId: string, ownerName: string): SandboxAccountView;
  /**
   * Starts a demo again without breaking anyone's credentials: the node forgets which notices were paid, every
   * account gets its opening balance back, injected faults are cleared and webhook chaos is turned off.
   * Accounts, tokens, Connections and forms stay (pagobot keeps working with what it holds).
   */
  reset(): SandboxResetSummary;
  accounts(): SandboxAccountView[];
  /** Adds (or, negative, removes) money. */
  credit(accountId: string, cents: number): SandboxAccountView;
  forms(): SandboxFormView[];
  form(id: string): SandboxFormView | undefined;
  connections(): SandboxConnectionView[];
  /** What waits for a person: Connections to grant, dispositions to approve (second factor). */
  pendingApprovals(): { connections: SandboxConnectionView[]; dispositions: SandboxFormView[] };
  grantConnection(id: string, choice: { accountId: string } | { newBalanceCents: number }): SandboxConnectionView;
  refuseConnection(id: string): SandboxConnectionView;
  approveDisposition(formId: string): SandboxFormView;
  refuseDisposition(formId: string): SandboxFormView;
  secondFactor(): boolean;
  setSecondFactor(on: boolean): void;
  /** Changes a form's amounts as the node would (the notice's amount follows), e.g. to test "the amount changed". */
  updateForm(formId: string, change: { noticeAmountCents?: number; feeCents?: number }): SandboxFormView;
  /** Changes only the node's amount: open forms of the notice then meet 409/313. */
  setNoticeAmount(fiscalCode: string, noticeNumber: string, cents: number): void;
  readonly faults: {
    inject(route: DropPayRoute, fault: SandboxFault, options?: { times?: number; formId?: string }): void;
    list(): readonly FaultRule[];
    clear(): void;
  };
  calls(): CallCounts;
  resetCalls(): void;
  /** Every access token expires now; the next call gets 401/102. Answers how many there were. */
  expireTokens(): number;
  /** Moves the sandbox's clock forward (token expiry, scheduled dates), then runs what became due. */
  advanceClock(ms: number): void;
  now(): number;
  /** Runs SCHEDULED forms whose day has come; answers how many started. */
  runScheduled(): number;
  readonly webhooks: {
    chaos(): WebhookChaos;
    setChaos(chaos: Partial<WebhookChaos>): WebhookChaos;
    /** The next `count` delivery attempts fail (and are retried with backoff). */
    failNext(count: number): void;
    log(): readonly WebhookLogEntry[];
    /** Replays an earlier delivery of a form (the latest with `status`, or the latest of all). */
    redeliver(formId: string, status?: string): boolean;
    /** Resolves when no delivery is queued, waiting or in flight. */
    idle(): Promise<void>;
  };
  readonly testNotices: readonly SandboxTestNotice[];
  /** Calls `listener` after every change (the playground's live panel); returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Builds the admin handle over the sandbox's world. */
export function createSandboxAdmin(deps: {
  world: SandboxWorld;
  board: FaultBoard;
  webhooks: WebhookDispatcher;
  listeners: Set<() => void>;
}): SandboxAdmin {
  const { world, board, webhooks } = deps;
  const accountView = (a: AccountRecord): SandboxAccountView => ({
    id: a.id,
    iban: a.iban,
    ownerName: a.ownerName,
    username: a.username,
    accountClass: a.accountClass,
    balanceCents: a.balanceCents as Cents,
    reservedCents: a.reservedCents as Cents,
    availableCents: availableCents(a) as Cents,
    holderRef: a.holderRef ?? null,
  });
  const formOut = (f: FormRecord): SandboxFormView => ({
    ...formView(world, f),
    accountId: f.accountId,
    awaitingApproval: f.approval === "pending",
    hasWebhook: f.webhookUrl !== null,
  });
  const connectionOut = (c: ConnectionRecord): SandboxConnectionView => ({
    id: c.id,
    status: c.status,
    sharingUrl: connectionView(world, c).sharingUrl ?? "",
    accountId: c.accountId,
    appKey: c.appKey,
  });
  const formRecord = (id: string): FormRecord => {
    const form = world.state.forms[id];
    if (form === undefined) throw failures.notFound();
    return form;
  };
  const byCreation = <T extends { createdAt: number }>(records: Record<string, T>) =>
    Object.values(records).sort((a, b) => a.createdAt - b.createdAt);
  return {
    createAccount(options) {
      const created = createAccount(world, options);
      return {
        account: accountView(created.account),
        accessToken: created.tokens.accessToken,
        refreshToken: created.tokens.refreshToken ?? "",
        expiresInSeconds: created.tokens.expiresInSeconds,
        connectionCode: created.connectionCode,
      };
    },
    accounts: () => byCreation(world.state.accounts).map(accountView),
    nameAccount(accountId, ownerName) {
      const account = world.state.accounts[accountId];
      if (account === undefined) throw failures.notFound();
      if (account.ownerName !== ownerName) {
        account.ownerName = ownerName;
        world.changed();
      }
      return accountView(account);
    },
    reset() {
      let noticesForgotten = 0;
      for (const notice of Object.values(world.state.notices)) {
        if (notice.paidByFormId === null) continue;
        notice.paidByFormId = null;
        noticesForgotten += 1;
      }
      let accountsRefilled = 0;
      for (const account of Object.values(world.state.accounts)) {
        if (account.openingBalanceCents === undefined || account.balanceCents === account.openingBalanceCents) continue;
        account.balanceCents = account.openingBalanceCents;
        accountsRefilled += 1;
      }
      board.clear();
      webhooks.setChaos({ duplicate: false, reorder: false, delayMs: 0 });
      world.changed();
      return { noticesForgotten, accountsRefilled };
    },
    credit: (accountId, cents) => accountView(adjustBalance(world, accountId, cents)),
    forms: () => byCreation(world.state.forms).map(formOut),
    form: (id) => {
      const form = world.state.forms[id];
      return form === undefined ? undefined : formOut(form);
    },
    connections: () => byCreation(world.state.connections).map(connectionOut),
    pendingApprovals: () => ({
      connections: byCreation(world.state.connections)
        .filter((c) => c.status === "WAITING")
        .map(connectionOut),
      dispositions: byCreation(world.state.forms)
        .filter((f) => f.approval === "pending")
        .map(formOut),
    }),
    grantConnection: (id, choice) => connectionOut(grantConnection(world, id, choice)),
    refuseConnection: (id) => connectionOut(refuseConnection(world, id)),
    approveDisposition(formId) {
      const form = formRecord(formId);
      approveDisposition(world, form);
      return formOut(form);
    },
    refuseDisposition(formId) {
      const form = formRecord(formId);
      refuseDisposition(world, form);
      return formOut(form);
    },
    secondFactor: () => world.secondFactor,
    setSecondFactor(on) {
      world.secondFactor = on;
      world.changed();
    },
    updateForm(formId, change) {
      const form = formRecord(formId);
      if (change.noticeAmountCents !== undefined) {
        form.noticeAmountCents = change.noticeAmountCents;
        form.feeCents = sandboxFeeCents(change.noticeAmountCents);
        const notice = world.state.notices[rptIdOf(form.fiscalCode, form.noticeNumber)];
        if (notice !== undefined) notice.amountCents = change.noticeAmountCents;
      }
      if (change.feeCents !== undefined) form.feeCents = change.feeCents;
      form.updatedAt = world.now();
      world.formChanged(form, false);
      return formOut(form);
    },
    setNoticeAmount(fiscalCode, noticeNumber, cents) {
      const notice = world.state.notices[rptIdOf(fiscalCode, noticeNumber)];
      if (notice === undefined) throw failures.notFound();
      notice.amountCents = cents;
      world.changed();
    },
    faults: { inject: board.inject, list: board.rules, clear: board.clear },
    calls: board.calls,
    resetCalls: board.resetCalls,
    expireTokens: () => expireAllTokens(world),
    advanceClock(ms) {
      world.state.clockOffsetMs += ms;
      world.changed();
      runDueScheduled(world);
    },
    now: () => world.now(),
    runScheduled: () => runDueScheduled(world),
    webhooks: {
      chaos: webhooks.chaos,
      setChaos: webhooks.setChaos,
      failNext: webhooks.failNext,
      log: webhooks.log,
      redeliver: webhooks.redeliver,
      idle: webhooks.idle,
    },
    testNotices: sandboxTestNotices,
    onChange(listener) {
      deps.listeners.add(listener);
      return () => deps.listeners.delete(listener);
    },
  };
}
