import { PagobotError } from "../errors.ts";

/** Which DropPay call failed: names a route for logs and the sandbox's call counters, never a URL with secrets. */
export type DropPayRoute =
  | "create"
  | "get"
  | "patch"
  | "delete"
  | "disposition"
  | "token"
  | "app-token"
  | "connection-create"
  | "connection-get"
  | "connection-delete";

/**
 * What an error answer means, read from the HTTP status and DropPay's code together (droppay-api.md, errors
 * table). The engine maps these, once, to a message in the user's language.
 */
export type DropPayApiErrorCode =
  | "bad_request" // 400, code 100-106: missing or malformed arguments
  | "token_expired" // 401/102: refresh the token once, then retry
  | "bad_credentials" // 401/100: the application key/secret or the connection code is wrong
  | "unauthorized" // any other 401
  | "access_denied" // 403 (101: access denied)
  | "notice_not_found" // 404/310: the node knows no such notice
  | "not_found" // any other 404
  | "notice_not_payable" // 409/310: already paid, or the form's state forbids this
  | "duplicated" // 409/311: already being paid
  | "notice_expired" // 409/312
  | "amount_changed" // 409/313: the node's amount differs from the one presented
  | "already_presented" // 409/314: resume `existingFormId` instead
  | "insufficient_balance" // 409/320
  | "conflict" // any other 409
  | "node_unavailable" // 500/310: temporary
  | "node_rejected" // 500/311
  | "server_error" // any other 5xx
  | "unexpected_status"; // anything else (3xx, other 4xx)

/** DropPay answered, with an error status: `status` and DropPay's own `pspCode` (null when the answer had no body). */
export class DropPayApiError extends PagobotError<DropPayApiErrorCode> {
  readonly status: number;
  /** DropPay's `code` as sent ("310"), or null when the answer carried no readable error body. */
  readonly pspCode: string | null;
  /** DropPay's `description` as sent, or null. Safe to log: DropPay never echoes tokens in it. */
  readonly description: string | null;
  readonly route: DropPayRoute;
  /** For 409/314: the form that already presents this notice ("…in {PPA7345276354}"). */
  readonly existingFormId: string | null;

  constructor(init: { status: number; pspCode: string | null; description: string | null; route: DropPayRoute }) {
    const code = classifyApiError(init.status, init.pspCode);
    super(code, `DropPay ${init.route} answered ${init.status}${init.pspCode === null ? "" : `/${init.pspCode}`}`);
    this.status = init.status;
    this.pspCode = init.pspCode;
    this.description = init.description;
    this.route = init.route;
    this.existingFormId =
      code === "already_presented" ? (/\{(PPA[0-9A-Z]+)\}/.exec(init.description ?? "")?.[1] ?? null) : null;
  }

  /** True for answers a safe call may be retried after (5xx and 429); 4xx answers are final. */
  get retryable(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** Why no answer came: the call timed out, or the connection failed or was cut before an answer arrived. */
export type DropPayNetworkErrorCode = "droppay_timeout" | "droppay_connection_failed" | "droppay_outcome_unknown";

/**
 * DropPay did not answer. For the disposition this means the payment may or may not have started, so it is
 * never re-sent: the client reads the form back instead, and `droppay_outcome_unknown` says even that failed.
 */
export class DropPayNetworkError extends PagobotError<DropPayNetworkErrorCode> {
  readonly route: DropPayRoute;

  constructor(code: DropPayNetworkErrorCode, route: DropPayRoute, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.route = route;
  }
}

/** DropPay answered 2xx with something that is not the JSON our schema expects (R13: its data is untrusted). */
export class DropPaySchemaError extends PagobotError<"droppay_bad_reply"> {
  readonly route: DropPayRoute;
  /** Where the reply failed ("fee", "source.balance_available: …"); paths and reasons only, never values. */
  readonly issues: readonly string[];

  constructor(route: DropPayRoute, issues: readonly string[], options?: { cause?: unknown }) {
    super("droppay_bad_reply", `DropPay ${route} reply failed validation: ${issues.slice(0, 3).join("; ")}`, options);
    this.route = route;
    this.issues = issues;
  }
}

/** Any of the three DropPay failures. */
export type DropPayError = DropPayApiError | DropPayNetworkError | DropPaySchemaError;

/** True for the three DropPay error classes. */
export function isDropPayError(error: unknown): error is DropPayError {
  return (
    error instanceof DropPayApiError || error instanceof DropPayNetworkError || error instanceof DropPaySchemaError
  );
}

function classifyApiError(status: number, code: string | null): DropPayApiErrorCode {
  if (status === 400) return "bad_request";
  if (status === 401) return code === "102" ? "token_expired" : code === "100" ? "bad_credentials" : "unauthorized";
  if (status === 403) return "access_denied";
  if (status === 404) return code === "310" ? "notice_not_found" : "not_found";
  if (status === 409) {
    const byCode: Record<string, DropPayApiErrorCode> = {
      "310": "notice_not_payable",
      "311": "duplicated",
      "312": "notice_expired",
      "313": "amount_changed",
      "314": "already_presented",
      "320": "insufficient_balance",
    };
    return (code === null ? undefined : byCode[code]) ?? "conflict";
  }
  if (status >= 500) return code === "310" ? "node_unavailable" : code === "311" ? "node_rejected" : "server_error";
  return "unexpected_status";
}
