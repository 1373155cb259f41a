import { PagobotError } from "../../src/errors.ts";

/** What can go wrong between the playground page and pagobot, mapped once to an HTTP status in routes.ts. */
export type PlaygroundErrorCode =
  | "bad_request" // a malformed body, id or parameter from the page
  | "body_too_large" // a JSON body over its small cap
  | "upload_too_large" // a file over the upload cap: refused before its bytes are read
  | "upload_incomplete" // the browser went away mid-upload
  | "body_timeout" // a body that stalled (sent nothing for a while)
  | "unsupported_media_type" // a body that is not the type the route takes (cross-site forms send text/plain)
  | "too_many_uploads" // more uploads in flight from one client (or in all) than the playground takes at once
  | "forbidden_host" // a Host header that is not this machine's (DNS rebinding)
  | "cross_site" // a browser request from another site
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
  body_timeout: 408,
  unsupported_media_type: 415,
  too_many_uploads: 429,
  forbidden_host: 403,
  cross_site: 403,
  not_found: 404,
  conflict: 409,
  sandbox_unavailable: 404,
};
