import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createCipher, generateSecretKey, parseSecretKeys, SecretError } from "../../src/store/crypto.ts";
import { createCredentialVault } from "../../src/store/links.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { loadSecretKeys, SECRET_KEY_FILE } from "../../src/store/secret-keys.ts";

const k1 = generateSecretKey("k1");
const k2 = generateSecretKey("k2");

describe("sealing secrets with AES-256-GCM", () => {
  it("opens what it sealed, and writes the key id but never the plaintext", () => {
    const cipher = createCipher(parseSecretKeys(k1));
    const sealed = cipher.seal("connection-code-123", "credential:telegram:42:link");
    expect(sealed.startsWith("v1.k1.")).toBe(true);
    expect(sealed).not.toContain("connection-code-123");
    expect(cipher.open(sealed, "credential:telegram:42:link")).toBe("connection-code-123");
  });

  it("uses a fresh IV every time, so the same secret never seals to the same text", () => {
    const cipher = createCipher(parseSecretKeys(k1));
    expect(cipher.seal("same", "ctx")).not.toBe(cipher.seal("same", "ctx"));
  });

  it("refuses a value copied into another record (the context is bound)", () => {
    const cipher = createCipher(parseSecretKeys(k1));
    const sealed = cipher.seal("secret", "credential:telegram:42:link");
    expect(() => cipher.open(sealed, "credential:telegram:43:link")).toThrow(SecretError);
  });

  it("refuses a tampered value", () => {
    const cipher = createCipher(parseSecretKeys(k1));
    const parts = cipher.seal("secret", "ctx").split(".");
    const body = Buffer.from(parts[4] ?? "", "base64url");
    body[0] = (body[0] ?? 0) ^ 1;
    parts[4] = body.toString("base64url");
    expect(() => cipher.open(parts.join("."), "ctx")).toThrow(SecretError);
  });

  it("rotates: opens values sealed by an older listed key and seals new ones with the first key", () => {
    const old = createCipher(parseSecretKeys(k1)).seal("secret", "ctx");
    const rotated = createCipher(parseSecretKeys(`${k2},${k1}`));
    expect(rotated.open(old, "ctx")).toBe("secret");
    expect(rotated.isStale(old)).toBe(true);
    expect(rotated.seal("secret", "ctx").startsWith("v1.k2.")).toBe(true);
    expect(() => createCipher(parseSecretKeys(k2)).open(old, "ctx")).toThrow(SecretError);
  });

  it("rejects malformed SECRET_KEYS without echoing them", () => {
    expect(() => parseSecretKeys("k1:c2hvcnQ=")).toThrow(/entry 1/);
    try {
      parseSecretKeys("k1:c2hvcnQ=");
    } catch (error) {
      expect(String(error)).not.toContain("c2hvcnQ");
    }
  });
});

describe("the embedded mode's generated key", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("is generated into the data directory with mode 0600 on first start and reused afterwards", () => {
    const dir = mkdtempSync(join(tmpdir(), "pagobot-keys-"));
    dirs.push(dir);
    const first = loadSecretKeys({ configured: undefined, dataDir: dir, logger: silentLogger });
    const file = join(dir, SECRET_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadSecretKeys({ configured: undefined, dataDir: dir, logger: silentLogger });
    expect(second[0]?.key.equals(first[0]?.key ?? Buffer.alloc(0))).toBe(true);
    expect(readFileSync(file, "utf8")).toMatch(/^k\d{8}:/);
  });

  it("prefers SECRET_KEYS when it is set", () => {
    const keys = loadSecretKeys({ configured: `${k2},${k1}`, dataDir: null, logger: silentLogger });
    expect(keys.map((k) => k.id)).toEqual(["k2", "k1"]);
  });
});

describe("the credential vault", () => {
  it("stores connection codes sealed and returns them opened", async () => {
    const kv = createMemoryKv();
    const vault = createCredentialVault(kv, createCipher(parseSecretKeys(k1)));
    await vault.put("telegram:42", "link", {
      secrets: { connectionCode: "cc-secret" },
      info: { accountName: "Maria" },
    });
    const raw = await kv.get("credential:telegram:42:link");
    expect(raw?.value).not.toContain("cc-secret");
    expect(await vault.get("telegram:42", "link")).toEqual({
      secrets: { connectionCode: "cc-secret" },
      info: { accountName: "Maria" },
    });
  });

  it("re-seals a value under the active key when it was sealed by an older one", async () => {
    const kv = createMemoryKv();
    await createCredentialVault(kv, createCipher(parseSecretKeys(k1))).put("slack:U1", "demo", {
      secrets: { accessToken: "t" },
      info: {},
    });
    const vault = createCredentialVault(kv, createCipher(parseSecretKeys(`${k2},${k1}`)));
    expect((await vault.get("slack:U1", "demo"))?.secrets.accessToken).toBe("t");
    expect((await kv.get("credential:slack:U1:demo"))?.value).toContain('"sealed":"v1.k2.');
  });
});
