import type { IncomingMessage } from "node:http";

/**
 * Guards for the local web surfaces that have no authentication of their own (the playground and the sandbox's
 * admin API and pages). They listen on loopback, but a web page the person visits can still reach loopback:
 *
 * - **DNS rebinding**: a hostile name that resolves to 127.0.0.1 lets that site read the answers as its own
 *   origin. Its requests carry its own name in `Host`, so only loopback names (and hosts configured on purpose)
 *   are served.
 * - **Cross-site simple requests**: any site may POST a form (`text/plain`, urlencoded, multipart) without a
 *   CORS preflight. Requiring `application/json` or a custom header forces a preflight, which these servers never
 *   grant; a browser's `Origin` or `Sec-Fetch-Site` naming another site is refused outright too.
 */

/** The names every loopback server answers to, whatever its port. */
const LOOPBACK_HOSTS: readonly string[] = ["localhost", "127.0.0.1", "[::1]", "::1"];

/** The host name of a `Host` header (or of a URL's host), lower-case, without its port; undefined when malformed. */
export function hostNameOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = header.trim().toLowerCase();
  if (value === "") return undefined;
  // "[::1]:3000" keeps its brackets; "127.0.0.1:3000" and "localhost" lose the port.
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::\d{1,5})?$/.exec(value);
  return match?.[1];
}

/** Whether `Host` names this machine's loopback or one of `extraHosts` (names or URLs, ports ignored). */
export function isAllowedHost(header: string | undefined, extraHosts: readonly string[] = []): boolean {
  const name = hostNameOf(header);
  if (name === undefined) return false;
  if (LOOPBACK_HOSTS.includes(name) || name.endsWith(".localhost")) return true;
  return extraHosts.some((extra) => {
    let host = extra;
    try {
      host = new URL(extra).host;
    } catch {
      // Not a URL: a bare host name, possibly with a port.
    }
    return hostNameOf(host) === name;
  });
}

/** Whether the body is declared as JSON (`application/json`, with or without a charset). */
export function isJsonRequest(req: IncomingMessage): boolean {
  return /^application\/json\s*(;|$)/i.test(req.headers["content-type"] ?? "");
}

/**
 * Whether a browser says the request comes from another site: `Sec-Fetch-Site: cross-site`, or an `Origin`
 * whose host is not the `Host` the request was sent to. Requests from curl or Node carry neither and pass.
 */
export function isCrossSite(req: IncomingMessage): boolean {
  if (req.headers["sec-fetch-site"] === "cross-site") return true;
  const origin = req.headers.origin;
  if (origin === undefined || origin === "null") return origin === "null";
  try {
    return new URL(origin).host.toLowerCase() !== (req.headers.host ?? "").toLowerCase();
  } catch {
    return true;
  }
}

/** Methods that change state: they need the guards against cross-site requests. */
export function changesState(method: string | undefined): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}
