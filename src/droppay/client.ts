import type { Logger } from "../log/logger.ts";
import type { TokenSource } from "./auth/token-source.ts";
import { type Clock, realSleep, type Sleep, systemClock } from "./clock.ts";
import { DropPayApiError, DropPayNetworkError, type DropPayRoute, DropPaySchemaError } from "./errors.ts";
import {
  type CreateFormInput,
  type FormPatch,
  isCancelledStatus,
  isDispositionAccepted,
  isFinalStatus,
  type PagoPaForm,
} from "./form.ts";
import { defaultRetryPolicy, type RetryPolicy, withRetry } from "./retry.ts";
import { createFormBody, parseForm, patchFormBody } from "./schemas.ts";
import { createTransport, type FetchLike } from "./transport.ts";
import { dropPayFetch } from "./undici-fetch.ts";

export interface DropPayClientOptions {
  /** `https://api.drop-pay.io`, or the sandbox's URL. */
  readonly baseUrl: string;
  readonly logger: Logger;
  /** Default: undici's request with kept-alive connections (undici-fetch.ts). */
  readonly fetch?: FetchLike;
  /** Per request, answer and body included; default 10 000 ms (payments.md R8). */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  /** How backoff waits; tests pass an instant one. */
  readonly sleep?: Sleep;
  /** Jitter source; default Math.random. */
  readonly random?: () => number;
  /** Retries of safe calls (GET, PATCH, DELETE); default 3 attempts, 250 ms doubling, jittered. */
  readonly retry?: RetryPolicy;
  /** After a disposition whose answer was lost: how many reads of the form, how far apart (default 3, 1 000 ms). */
  readonly readBack?: { readonly attempts: number; readonly intervalMs: number };
}

/**
 * What a disposition led to. `accepted`: the form is SCHEDULED, RUNNING or beyond. `awaiting_approval`: DropPay
 * answered but the form is still READY/BOOKED, so the owner must approve it in the DropPay app (second factor).
 * `unconfirmed`: the answer was lost and the form still shows READY/BOOKED; the disposition may never have
 * arrived. The client never re-sends it: the engine decides (payments.md R8).
 */
export interface DispositionResult {
  readonly form: PagoPaForm;
  readonly outcome: "accepted" | "awaiting_approval" | "unconfirmed";
  /** True when the form was read back with GET because the disposition's own answer was missing or unclear. */
  readonly readBack: boolean;
}

/** The DropPay pagoPA form API. Every method takes the person's TokenSource; a 401/102 refreshes it once and retries. */
export interface DropPayClient {
  /** Creates a DRAFT form; the PSP fetches the notice from the node. Not retried: a lost answer may leave a DRAFT (R9). */
  createForm(tokens: TokenSource, input: CreateFormInput): Promise<PagoPaForm>;
  /** Reads a form; retried with backoff. */
  getForm(tokens: TokenSource, formId: string): Promise<PagoPaForm>;
  /** Moves a form to READY, BOOKED or back to DRAFT, or sets its date or description; retried (it sets, never adds). */
  updateForm(tokens: TokenSource, formId: string, patch: FormPatch): Promise<PagoPaForm>;
  /** Cancels a form (DELETED, CANCELLED or ABORTED comes back); retried; a form already cancelled is returned as it is. */
  deleteForm(tokens: TokenSource, formId: string): Promise<PagoPaForm>;
  /**
   * Executes a READY or BOOKED form, once. After a timeout, a 5xx, an unreadable answer or a 409 it reads the
   * form back instead of posting again. Throws DropPayApiError when DropPay refused (4xx, or a coded 5xx) and the
   * form shows no payment; DropPayNetworkError `droppay_outcome_unknown` when even the read-back failed.
   */
  executeForm(tokens: TokenSource, formId: string): Promise<DispositionResult>;
}

const formPath = (id: string) => `/payments/v3/methods/pagopa/form/${encodeURIComponent(id)}`;

/**
 * Creates the DropPay client.
 * @example
 * const client = createDropPayClient({ baseUrl: sandbox.url, logger });
 * const form = await client.createForm(tokens, { noticeNumber, fiscalCode, webhookUrl });
 * await client.updateForm(tokens, form.id, { status: "READY" });
 * const { outcome } = await client.executeForm(tokens, form.id);
 */
export function createDropPayClient(options: DropPayClientOptions): DropPayClient {
  const logger = options.logger.child({ module: "droppay" });
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const readBackPolicy = options.readBack ?? { attempts: 3, intervalMs: 1_000 };
  const transport = createTransport({
    baseUrl: options.baseUrl,
    fetch: options.fetch ?? dropPayFetch,
    timeoutMs: options.timeoutMs ?? 10_000,
    logger,
    clock,
  });
  const retrying = <T>(call: () => Promise<T>): Promise<T> =>
    withRetry(call, {
      policy: options.retry ?? defaultRetryPolicy,
      sleep,
      random: options.random ?? Math.random,
      onRetry: (error, delayMs) => logger.info("retrying droppay call", { error, delayMs }),
    });

  /** Runs a call with the person's token; after a 401/102 refreshes once (single flight in the source) and retries. */
  const withToken = async <T>(tokens: TokenSource, call: (bearer: string) => Promise<T>): Promise<T> => {
    const token = await tokens.accessToken();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof DropPayApiError && error.code === "token_expired")) throw error;
      const next = await tokens.refresh(token);
      if (next === token) throw error;
      // A 401 means nothing was done, so even the disposition may be sent again (payments.md R12).
      return call(next);
    }
  };

  const formCall = (
    tokens: TokenSource,
    route: DropPayRoute,
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    safe: boolean,
    formId: string | null,
    body?: unknown,
  ): Promise<PagoPaForm> =>
    withToken(tokens, (bearer) => {
      const once = () =>
        transport({ route, method, path, bearer, body, parse: parseForm, logFields: formId ? { formId } : undefined });
      return safe ? retrying(once) : once();
    });

  const getForm = (tokens: TokenSource, formId: string) =>
    formCall(tokens, "get", "GET", formPath(formId), true, formId);

  /** Reads the form until it shows the disposition took effect, or the attempts run out; never posts. */
  const readBack = async (tokens: TokenSource, formId: string, cause: unknown, reads: number): Promise<PagoPaForm> => {
    for (let attempt = 1; ; attempt++) {
      let form: PagoPaForm;
      try {
        form = await getForm(tokens, formId);
      } catch (error) {
        throw new DropPayNetworkError(
          "droppay_outcome_unknown",
          "disposition",
          "the disposition's outcome is unknown: its answer was lost and the form could not be read",
          { cause: new AggregateError([cause, error]) },
        );
      }
      if (isDispositionAccepted(form.status) || isFinalStatus(form.status) || attempt >= reads) return form;
      await sleep(readBackPolicy.intervalMs);
    }
  };

  return {
    createForm: (tokens, input) =>
      formCall(tokens, "create", "POST", "/payments/v3/methods/pagopa/form", false, null, createFormBody(input)),
    getForm,
    updateForm: (tokens, formId, patch) =>
      formCall(tokens, "patch", "PATCH", formPath(formId), true, formId, patchFormBody(patch)),
    deleteForm: async (tokens, formId) => {
      try {
        return await formCall(tokens, "delete", "DELETE", formPath(formId), true, formId);
      } catch (error) {
        // A repeated DELETE (a retry after a lost answer, a second tap on Cancel) meets the form already cancelled.
        if (!(error instanceof DropPayApiError && error.status === 409)) throw error;
        const form = await getForm(tokens, formId);
        if (isCancelledStatus(form.status)) return form;
        throw error;
      }
    },
    executeForm: async (tokens, formId) => {
      const path = `/payments/v3/methods/pagopa/form/disposition/${encodeURIComponent(formId)}`;
      try {
        const form = await formCall(tokens, "disposition", "POST", path, false, formId, {});
        return {
          form,
          outcome: isDispositionAccepted(form.status) ? "accepted" : "awaiting_approval",
          readBack: false,
        };
      } catch (error) {
        // A failure of another call (getting or refreshing the token) means the disposition never left: say so.
        if (!isFromRoute(error, "disposition")) throw error;
        // No answer, an unreadable one or a bare 5xx: the outcome is unknown. A 409 or a coded 5xx is DropPay's
        // word, yet the form is read too (a 409 means "read the state, then decide"). Other 4xx: nothing happened.
        const lost = !(error instanceof DropPayApiError) || (error.status >= 500 && error.pspCode === null);
        const readState = error instanceof DropPayApiError && (error.status === 409 || error.status >= 500);
        if (!lost && !readState) throw error;
        logger.warn("disposition answer unclear; reading the form back", { formId, error });
        // A lost answer may still be on its way: read a few times. DropPay's own word needs one read.
        const form = await readBack(tokens, formId, error, lost ? readBackPolicy.attempts : 1);
        if (isDispositionAccepted(form.status)) return { form, outcome: "accepted", readBack: true };
        if (!lost) throw error;
        return { form, outcome: "unconfirmed", readBack: true };
      }
    },
  };
}

/** Whether an error came from this DropPay route (our errors name the route; anything else is not ours). */
function isFromRoute(error: unknown, route: DropPayRoute): boolean {
  return (
    (error instanceof DropPayApiError || error instanceof DropPayNetworkError || error instanceof DropPaySchemaError) &&
    error.route === route
  );
}
