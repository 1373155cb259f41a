/**
 * The stored form of a value: keyv's own envelope `{"value": …, "expires": <epoch ms>}` serialized as JSON, so
 * that values written by our atomic operations and by keyv itself read back the same through either path.
 */

/** Wraps a value for storage; `expires` is left out when the value does not expire (as keyv does). */
export function wrapValue(value: string, ttlMs: number | undefined, nowMs: number): string {
  return JSON.stringify(ttlMs === undefined ? { value } : { value, expires: nowMs + ttlMs });
}

/** Unwraps a stored value; undefined when it has expired or is not an envelope of a string. */
export function unwrapValue(raw: string, nowMs: number): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== "object") return undefined;
  const { value, expires } = parsed as { value?: unknown; expires?: unknown };
  if (typeof value !== "string") return undefined;
  if (typeof expires === "number" && expires <= nowMs) return undefined;
  return value;
}
