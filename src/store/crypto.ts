import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { PagobotError } from "../errors.ts";

/** One key of SECRET_KEYS: its id (written into every value it seals) and its 32 bytes. */
export interface SecretKey {
  readonly id: string;
  readonly key: Buffer;
}

/** A sealed value could not be opened: unknown key id, a value copied from another record, or tampering. */
export class SecretError extends PagobotError<"secret_unreadable" | "secret_keys_invalid"> {}

/** Reads `k2:<base64 of 32 bytes>,k1:<…>` (the active key first). Never echoes a key in an error. */
export function parseSecretKeys(text: string): SecretKey[] {
  const keys = text.split(",").map((part, index) => {
    const [id, encoded] = part.trim().split(":");
    const key = Buffer.from(encoded ?? "", "base64");
    if (!id || key.length !== 32) {
      throw new SecretError("secret_keys_invalid", `SECRET_KEYS entry ${index + 1} is not <keyId>:<32 bytes base64>`);
    }
    return { id, key };
  });
  if (new Set(keys.map((k) => k.id)).size !== keys.length) {
    throw new SecretError("secret_keys_invalid", "SECRET_KEYS has the same key id twice");
  }
  return keys;
}

/** Seals and opens secrets at rest (connection codes, tokens). */
export interface Cipher {
  /** Seals with the active key; `context` (e.g. `credential:telegram:42:link`) is bound as associated data. */
  seal(plaintext: string, context: string): string;
  /** Opens a value sealed by any listed key, under the same `context`. */
  open(sealed: string, context: string): string;
  /** True when the value was sealed by a key other than the active one (rotation: seal it again). */
  isStale(sealed: string): boolean;
}

const FORMAT = "v1";

/**
 * AES-256-GCM with a fresh 12-byte IV per value and a 16-byte tag (payments.md §4). Stored form:
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` in base64url. The associated data is `<context>:<keyId>`, so a value
 * copied into another record, or relabelled with another key id, fails to open.
 */
export function createCipher(keys: readonly SecretKey[]): Cipher {
  const active = keys[0];
  if (active === undefined) throw new SecretError("secret_keys_invalid", "no secret key configured");
  const byId = new Map(keys.map((k) => [k.id, k.key]));
  return {
    seal(plaintext, context) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", active.key, iv);
      cipher.setAAD(Buffer.from(`${context}:${active.id}`));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return [FORMAT, active.id, iv, cipher.getAuthTag(), body]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    open(sealed, context) {
      const [format, keyId, iv, tag, body] = sealed.split(".");
      const key = keyId === undefined ? undefined : byId.get(keyId);
      if (format !== FORMAT || key === undefined || iv === undefined || tag === undefined || body === undefined) {
        throw new SecretError("secret_unreadable", "sealed value has an unknown format or key id");
      }
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        decipher.setAAD(Buffer.from(`${context}:${keyId}`));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
      } catch (cause) {
        throw new SecretError("secret_unreadable", "sealed value failed authentication", { cause });
      }
    },
    isStale(sealed) {
      return sealed.split(".")[1] !== active.id;
    },
  };
}

/** A new random key, as SECRET_KEYS writes it. */
export function generateSecretKey(id: string): string {
  return `${id}:${randomBytes(32).toString("base64")}`;
}
