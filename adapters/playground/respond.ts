import type { IncomingMessage, ServerResponse } from "node:http";

/** One playground route: a method, a path pattern, and its handler (`match` holds the pattern's groups). */
export interface Route {
  readonly method: "GET" | "POST";
  readonly path: RegExp;
  handle(req: IncomingMessage, res: ServerResponse, match: RegExpExecArray, url: URL): Promise<void> | void;
}

// The page loads only its own files and talks only to its own origin; even an escaping bug could not run a
// script from a message, because inline scripts are not allowed.
export const securityHeaders = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
    "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
} as const;

/** Answers with JSON. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res
    .writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "cache-control": "no-store",
      ...securityHeaders,
      ...headers,
    })
    .end(JSON.stringify(body));
}
