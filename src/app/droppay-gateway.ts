import { createHash } from "node:crypto";
import {
  createSharedTokenSource,
  DropPayApiError,
  type DropPayAuth,
  type DropPayClient,
  DropPayNetworkError,
  DropPaySchemaError,
  deleteSharedTokens,
  type PagoPaForm,
  type TokenSource,
  TokensForgottenError,
  type UserTokens,
} from "../droppay/index.ts";
import type { Clock } from "../engine/clock.ts";
import { type PayerRef, type PaymentForm, type PaymentGateway, PspError } from "../engine/gateway-port.ts";
import type { Logger } from "../log/logger.ts";
import type { Cipher } from "../store/crypto.ts";
import type { AtomicKv } from "../store/kv.ts";
import type { CredentialKind, CredentialVault } from "../store/links.ts";
import type { DemoAccounts } from "./demo-accounts.ts";

/** DropPay's form in the engine's words. */
export function toPaymentForm(form: PagoPaForm): PaymentForm {
  return {
    id: form.id,
    status: form.status,
    noticeNumber: form.noticeNumber,
    fiscalCode: form.fiscalCode,
    payeeName: form.payeeName,
    description: form.causale ?? form.description,
    // What the payee receives: the notice's current amount at the node (DropPay's total adds fee and agio to it).
    amountCents: form.noticeAmountCents,
    feeCents: form.feeCents,
    agioCents: form.agioCents,
    // DropPay's form carries no due date.
    dueDate: null,
    scheduledDate: form.scheduledDate,
    settlementDate: form.settlementDate,
    lastModified: form.updatedAt,
    iur: form.iur,
    // DropPay's form carries no failure reason either (droppay-api.md); the engine then says so.
    failureReason: null,
    account: {
      ownerName: form.source?.ownerName ?? null,
      iban: form.source?.accountIban ?? null,
      balanceCents: form.source?.balanceCents ?? null,
    },
    // DropPay documents no account class that forbids BOOKED or a date; a refusal is mapped when it comes.
    canBook: true,
    canSchedule: true,
  };
}

/** A DropPay failure in the engine's three kinds (the HTTP status and DropPay code go along). */
export function toPspError(error: unknown): unknown {
  if (error instanceof DropPayApiError) {
    return new PspError(
      "psp_refused",
      error.message,
      {
        httpStatus: error.status,
        ...(error.pspCode === null ? {} : { pspCode: error.pspCode }),
        ...(error.description === null ? {} : { description: error.description }),
      },
      { cause: error },
    );
  }
  // Another replica unlinked this person meanwhile.
  if (error instanceof TokensForgottenError)
    return new PspError("psp_not_linked", "the person unlinked DropPay", {}, { cause: error });
  if (error instanceof DropPayNetworkError) return new PspError("psp_unreachable", error.message, {}, { cause: error });
  if (error instanceof DropPaySchemaError) return new PspError("psp_bad_reply", error.message, {}, { cause: error });
  return error;
}

/** What DropPay answered to a revocation it refused (status and code), for the log. */
function revokeDetails(error: unknown): { httpStatus?: number; pspCode?: string } {
  if (!(error instanceof DropPayApiError)) return {};
  return { httpStatus: error.status, ...(error.pspCode === null ? {} : { pspCode: error.pspCode }) };
}

interface SealedTokens {
  readonly connectionCode: string;
  readonly refreshToken?: string;
}

/**
 * The engine's PaymentGateway over the DropPay client. A person's connection code and refresh token are kept
 * sealed in the credential vault; access tokens are kept sealed in the shared store (not in memory only, as
 * payments.md §4 advises) so that every replica shares one refresh of a rotating refresh token, and one token
 * source per person so that parallel calls after an expiry share one refresh. With the embedded sandbox, a person with no
 * link pays from a demo account created for them on first use.
 */
export function createDropPayGateway(deps: {
  readonly client: DropPayClient;
  readonly auth: DropPayAuth;
  readonly vault: CredentialVault;
  /** The shared store where access tokens are kept sealed, so replicas share one refresh. */
  readonly tokenStore: { readonly kv: AtomicKv; readonly cipher: Cipher };
  readonly demo: DemoAccounts | null;
  readonly clock: Clock;
  readonly logger: Logger;
}): PaymentGateway {
  const logger = deps.logger.child({ module: "gateway" });
  const sources = new Map<string, Promise<TokenSource>>();

  /** Where a person's tokens live in the shared store; the code's hash makes a relinked person start afresh. */
  const tokenStoreFor = (personKey: string, kind: CredentialKind, connectionCode: string) => ({
    ...deps.tokenStore,
    key: `${personKey}:${kind}:${createHash("sha256").update(connectionCode).digest("hex").slice(0, 16)}`,
  });

  const sourceFrom = (
    personKey: string,
    kind: CredentialKind,
    sealed: SealedTokens,
    tokens: UserTokens | null,
    info: Readonly<Record<string, string>>,
  ) =>
    createSharedTokenSource({
      auth: deps.auth,
      connectionCode: sealed.connectionCode,
      // Every replica reads and refreshes the same tokens, one refresh at a time (DropPay rotates refresh tokens).
      store: tokenStoreFor(personKey, kind, sealed.connectionCode),
      initial: tokens,
      clock: deps.clock,
      logger,
      // The vault keeps the long-lived parts too, so a store without the shared tokens can still mint new ones.
      onTokens: (next) =>
        deps.vault.put(personKey, kind, {
          secrets: {
            connectionCode: sealed.connectionCode,
            ...(next.refreshToken ? { refreshToken: next.refreshToken } : {}),
          },
          // Kept as stored (the Connection's id /scollega revokes, a demo account's id).
          info,
        }),
    });

  const openSource = async (payer: PayerRef): Promise<TokenSource> => {
    const stored = await deps.vault.get(payer.personKey, payer.kind === "demo" ? "demo" : "link");
    if (stored?.secrets.connectionCode !== undefined) {
      const sealed: SealedTokens = {
        connectionCode: stored.secrets.connectionCode,
        ...(stored.secrets.refreshToken ? { refreshToken: stored.secrets.refreshToken } : {}),
      };
      const tokens = sealed.refreshToken ? { accessToken: "", refreshToken: sealed.refreshToken, expiresAt: 0 } : null;
      return sourceFrom(payer.personKey, payer.kind === "demo" ? "demo" : "link", sealed, tokens, stored.info);
    }
    if (payer.kind === "linked" || deps.demo === null)
      throw new PspError("psp_not_linked", "no DropPay credential for this person");
    const created = await deps.demo.create(payer.personKey);
    const sealed: SealedTokens = { connectionCode: created.connectionCode, refreshToken: created.refreshToken };
    const credential = { secrets: { ...sealed }, info: { accountId: created.accountId } };
    // Another replica may have made this person's demo account meanwhile: theirs wins, ours goes unused.
    if (!(await deps.vault.create(payer.personKey, "demo", credential))) return openSource(payer);
    const tokens = {
      accessToken: created.accessToken,
      refreshToken: created.refreshToken,
      expiresAt: deps.clock.now() + created.expiresInSeconds * 1000,
    };
    return sourceFrom(payer.personKey, "demo", sealed, tokens, credential.info);
  };

  /** One token source per person and kind, created once even under parallel first calls. */
  const tokensFor = (payer: PayerRef): Promise<TokenSource> => {
    const key = `${payer.kind}:${payer.personKey}`;
    let source = sources.get(key);
    if (source === undefined) {
      source = openSource(payer);
      sources.set(key, source);
      source.catch(() => sources.delete(key));
    }
    return source;
  };

  const call = async <T>(payer: PayerRef, run: (tokens: TokenSource) => Promise<T>): Promise<T> => {
    try {
      return await run(await tokensFor(payer));
    } catch (error) {
      throw toPspError(error);
    }
  };

  return {
    demoAccounts: deps.demo !== null,
    createForm: (payer, input) =>
      call(payer, async (t) =>
        toPaymentForm(
          await deps.client.createForm(t, {
            noticeNumber: input.noticeNumber,
            fiscalCode: input.fiscalCode,
            qrText: input.qrText,
            webhookUrl: input.webhookUrl,
          }),
        ),
      ),
    getForm: (payer, formId) => call(payer, async (t) => toPaymentForm(await deps.client.getForm(t, formId))),
    updateForm: (payer, formId, change) =>
      call(payer, async (t) =>
        toPaymentForm(
          await deps.client.updateForm(t, formId, {
            status: change.status,
            ...(change.scheduledDate === undefined ? {} : { scheduledDate: change.scheduledDate }),
          }),
        ),
      ),
    deleteForm: (payer, formId) => call(payer, async (t) => toPaymentForm(await deps.client.deleteForm(t, formId))),
    executeForm: (payer, formId) =>
      call(payer, async (t) => {
        const result = await deps.client.executeForm(t, formId);
        return { form: toPaymentForm(result.form), outcome: result.outcome };
      }),
    async startLink(_personKey, webhookUrl) {
      try {
        const connection = await deps.auth.createConnection(webhookUrl);
        return { requestId: connection.id, url: connection.sharingUrl ?? "" };
      } catch (error) {
        throw toPspError(error);
      }
    },
    async checkLink(personKey, requestId) {
      let connection: Awaited<ReturnType<DropPayAuth["getConnection"]>>;
      try {
        connection = await deps.auth.getConnection(requestId);
      } catch (error) {
        throw toPspError(error);
      }
      if (connection.status === "GRANTED" && connection.connectionCode !== null) {
        // The Connection's id too: /scollega revokes it at DropPay.
        await deps.vault.put(personKey, "link", {
          secrets: { connectionCode: connection.connectionCode },
          info: { connectionId: connection.id },
        });
        sources.delete(`linked:${personKey}`);
        return { state: "granted", accountName: null };
      }
      if (connection.status === "WAITING" || connection.status === "GRANTED") return { state: "pending" };
      return { state: "refused" };
    },
    async unlink(personKey) {
      const stored = await deps.vault.get(personKey, "link");
      // The shared tokens go first: every replica then finds no tokens and says "not linked".
      if (stored?.secrets.connectionCode !== undefined)
        await deleteSharedTokens(tokenStoreFor(personKey, "link", stored.secrets.connectionCode));
      await deps.vault.delete(personKey, "link");
      sources.delete(`linked:${personKey}`);
      // Then DropPay revokes the Connection (droppay-api.md, decided: DELETE with the application token), so its
      // code and tokens stop working there too. A link recorded before the id was kept cannot be revoked here.
      const connectionId = stored?.info.connectionId;
      if (stored === undefined) return;
      if (connectionId === undefined)
        throw new PspError("psp_revoke_refused", "no Connection id was kept for this link");
      try {
        await deps.auth.deleteConnection(connectionId);
      } catch (error) {
        logger.warn("DropPay did not revoke a Connection", { error });
        throw new PspError("psp_revoke_refused", "DropPay did not revoke the Connection", revokeDetails(error), {
          cause: error,
        });
      }
    },
  };
}
