import type { Cipher } from "./crypto.ts";
import { areas } from "./keys.ts";
import type { AtomicKv } from "./kv.ts";

/** Which credential of a person: their linked account's connection, or their sandbox demo account. */
export type CredentialKind = "link" | "demo";

/** A person's DropPay credential: `secrets` are sealed at rest, `info` (account id, owner name) is not. */
export interface StoredCredential {
  readonly secrets: Readonly<Record<string, string>>;
  readonly info: Readonly<Record<string, string>>;
}

/** Per-person DropPay credentials (connection codes, tokens), sealed with AES-256-GCM under SECRET_KEYS. */
export interface CredentialVault {
  get(personKey: string, kind: CredentialKind): Promise<StoredCredential | undefined>;
  put(personKey: string, kind: CredentialKind, credential: StoredCredential): Promise<void>;
  /** Stores only if the person has no such credential yet; false when one was already there. */
  create(personKey: string, kind: CredentialKind, credential: StoredCredential): Promise<boolean>;
  delete(personKey: string, kind: CredentialKind): Promise<void>;
}

interface SealedRecord {
  readonly sealed: string;
  readonly info: Readonly<Record<string, string>>;
}

/**
 * The vault over the store. The sealing context is the record's own key, so a sealed value copied into another
 * person's record does not open; a value sealed with an older key is sealed again with the active one on read.
 */
export function createCredentialVault(kv: AtomicKv, cipher: Cipher): CredentialVault {
  const key = (personKey: string, kind: CredentialKind) => `${areas.credentials.area}:${personKey}:${kind}`;
  const encode = (k: string, credential: StoredCredential) =>
    JSON.stringify({ sealed: cipher.seal(JSON.stringify(credential.secrets), k), info: credential.info });
  const write = (k: string, credential: StoredCredential) => kv.set(k, encode(k, credential));
  return {
    async get(personKey, kind) {
      const k = key(personKey, kind);
      const stored = await kv.get(k);
      if (stored === undefined) return undefined;
      const record = JSON.parse(stored.value) as SealedRecord;
      const credential = {
        secrets: JSON.parse(cipher.open(record.sealed, k)) as Record<string, string>,
        info: record.info,
      };
      if (cipher.isStale(record.sealed)) await write(k, credential);
      return credential;
    },
    async put(personKey, kind, credential) {
      await write(key(personKey, kind), credential);
    },
    async create(personKey, kind, credential) {
      const k = key(personKey, kind);
      return (await kv.setIfAbsent(k, encode(k, credential))) !== null;
    },
    async delete(personKey, kind) {
      await kv.delete(key(personKey, kind));
    },
  };
}
