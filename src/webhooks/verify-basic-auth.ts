import { createHash, timingSafeEqual } from "node:crypto";

/** The user and password of an `Authorization: Basic …` header, or undefined when there is none or it is malformed. */
export function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? "");
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The stored form of a webhook secret: SHA-256 (the secrets are 256 random bits, so no slow hash is needed). */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * Whether `password` matches one of the stored hashes, in constant time: every hash is compared, whatever
 * matched, and an unknown id is compared against a dummy so a caller cannot tell ids from timings.
 */
export function secretMatches(password: string, storedHashes: readonly string[]): boolean {
  const given = Buffer.from(hashSecret(password), "hex");
  const candidates = storedHashes.length > 0 ? storedHashes : [hashSecret("no such credential")];
  let ok = false;
  for (const stored of candidates) {
    const expected = Buffer.from(stored, "hex");
    if (expected.length === given.length && timingSafeEqual(expected, given) && storedHashes.length > 0) ok = true;
  }
  return ok;
}
