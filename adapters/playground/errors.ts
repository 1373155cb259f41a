import { PagobotError } from "../../src/errors.ts";

/** What can go wrong between the playground page and pagobot, mapped once to an HTTP status in routes.ts. */
export type PlaygroundErrorCode =
  | "bad_request" // a malformed body, id or parameter from the page
  | "body_too_large" // a JSON body over its small cap
  | "upload_too_large" // a file over the upload cap: refused before its bytes are read
  | "upload_incomplete" // the browser went away mid-upload
  | "not_found"
  | "conflict" // the sandbox refused a panel action (an approval already decided)
  | "sandbox_unavailable"; // a sandbox route while pagobot talks to a real DropPay

/** A typed playground failure; its message is for logs and the page's console, never shown as chat wording. */
export class PlaygroundError extends PagobotError<PlaygroundErrorCode> {}

/** The HTTP status each failure answers with. */
export const statusOf: Record<PlaygroundErrorCode, number> = {
  bad_request: 400,
  body_too_large: 413,
  upload_too_large: 413,
  upload_incomplete: 400,
  not_found: 404,
  conflict: 409,
  sandbox_unavailable: 404,
};
