import { randomBytes, randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createDropPayAuth, type DropPayAuth } from "../../src/droppay/auth/auth.ts";
import {
  createSharedTokenSource,
  deleteSharedTokens,
  type SharedTokenStore,
  sharedTokenKeys,
  staticTokenSource,
  TokensForgottenError,
} from "../../src/droppay/auth/token-source.ts";
import type { SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import { createCipher } from "../../src/store/crypto.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { createTestBackend, type TestBackend } from "../helpers/backends.ts";
import { clientFor, plainNotice, recordingLogger, sandbox } from "./helpers.ts";

/** DropPay's auth against the sandbox, counting the token calls that reach it. */
function countingAuth(sb: SandboxHandle) {
  const auth = createDropPayAuth({
    baseUrl: sb.url,
    appKey: sb.app.key,
    appSecret: sb.app.secret,
    logger: recordingLogger(),
    sleep: async () => {},
  });
  const counts = { refreshes: 0, exchanges: 0 };
  const counted: Pick<DropPayAuth, "exchangeConnectionCode" | "refresh"> = {
    refresh: (code, refreshToken) => {
      counts.refreshes++;
      return auth.refresh(code, refreshToken);
    },
    exchangeConnectionCode: (code) => {
      counts.exchanges++;
      return auth.exchangeConnectionCode(code);
    },
  };
  return { auth: counted, counts };
}

// Two replicas: two token sources, each on its own connection to one store (an SQLite file, or Redis when set).
const backends = process.env.REDIS_URL ? (["sqlite", "redis"] as const) : (["sqlite"] as const);

describe.each(backends)("DropPay tokens shared by two replicas on %s", (backendName) => {
  let backend: TestBackend;
  afterEach(async () => backend.dispose());

  async function twoReplicas(options: { memoryMs?: number; linkedOnly?: boolean } = {}) {
    backend = createTestBackend(backendName);
    const sb = await sandbox();
    const person = sb.admin.createAccount({ balanceCents: 50_000 });
    const { auth, counts } = countingAuth(sb);
    const cipher = createCipher([{ id: "k1", key: randomBytes(32) }]);
    const key = `telegram:${randomUUID().slice(0, 8)}:link`;
    const initial = {
      accessToken: person.accessToken,
      refreshToken: person.refreshToken,
      expiresAt: Date.now() + person.expiresInSeconds * 1000,
    };
    /** A replica; `wrap` stands between it and the store (to time its reads). */
    const replica = (wrap: (kv: AtomicKv) => AtomicKv = (kv) => kv) => {
      const store: SharedTokenStore = { kv: wrap(backend.open()), cipher, key };
      const source = createSharedTokenSource({
        auth,
        connectionCode: person.connectionCode,
        store,
        // A person who just linked: the vault holds the connection code only, no tokens yet.
        initial: options.linkedOnly ? null : initial,
        pollMs: 10,
        ...(options.memoryMs === undefined ? {} : { memoryMs: options.memoryMs }),
      });
      return { store, source };
    };
    return { sb, person, counts, replica, a: replica(), b: replica() };
  }

  it("20 concurrent renewals across the two after DropPay refused the token: one refresh, and the new token pays", async () => {
    const { sb, person, counts, a, b } = await twoReplicas();
    expect(await a.source.accessToken()).toBe(person.accessToken);
    expect(await b.source.accessToken()).toBe(person.accessToken);
    // DropPay now answers 401/102 to the token both replicas hold; each of 20 calls asks for a newer one.
    sb.admin.expireTokens();
    const renewed = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).source.refresh(person.accessToken)),
    );
    expect(counts).toEqual({ refreshes: 1, exchanges: 0 });
    expect(new Set(renewed).size).toBe(1);
    expect(renewed[0]).not.toBe(person.accessToken);
    const form = await clientFor(sb).createForm(staticTokenSource(renewed[0] ?? ""), plainNotice);
    expect(form.source?.balanceCents).toBe(50_000);
  });

  it("a person who just linked: parallel first calls on both replicas share one exchange, none says 'unlinked'", async () => {
    const { counts, a, b } = await twoReplicas({ linkedOnly: true });
    // Four cards opened at once (four family groups, one person): every call finds no tokens yet.
    const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? a : b).source.accessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(counts).toEqual({ refreshes: 0, exchanges: 1 });
  });

  it("a first call whose read of the empty store returns after a parallel call minted the tokens is no unlink", async () => {
    const { counts, replica } = await twoReplicas({ linkedOnly: true });
    // The first read of the tokens answers "none" (as the store was when it left) only once the tokens are written.
    let written: () => void = () => {};
    const tokensWritten = new Promise<void>((resolve) => {
      written = resolve;
    });
    let held = false;
    const { source } = replica((kv) => ({
      ...kv,
      get: async (key) => {
        const found = await kv.get(key);
        if (key.startsWith("droppay-tokens:") && !held) {
          held = true;
          await tokensWritten;
        }
        return found;
      },
      set: async (key, value, ttlMs) => {
        const token = await kv.set(key, value, ttlMs);
        if (key.startsWith("droppay-tokens:")) written();
        return token;
      },
    }));
    const [late, early] = await Promise.all([source.accessToken(), source.accessToken()]);
    expect(late).toBe(early);
    expect(counts).toEqual({ refreshes: 0, exchanges: 1 });
  });

  it("a replica told its token is refused after the other already renewed takes the stored one, with no refresh", async () => {
    const { sb, person, counts, a, b } = await twoReplicas();
    await a.source.accessToken();
    await b.source.accessToken();
    sb.admin.expireTokens();
    const renewedByA = await a.source.refresh(person.accessToken);
    // B still remembers the old tokens; their refresh token has been rotated out by A's refresh.
    expect(await b.source.refresh(person.accessToken)).toBe(renewedByA);
    expect(counts).toEqual({ refreshes: 1, exchanges: 0 });
  });

  it("keeps the tokens sealed in the store, not in clear", async () => {
    const { person, a } = await twoReplicas();
    await a.source.accessToken();
    const stored = await a.store.kv.get(sharedTokenKeys(a.store.key).tokens);
    expect(stored?.value).toMatch(/^v1\.k1\./);
    expect(stored?.value).not.toContain(person.accessToken);
    expect(stored?.value).not.toContain(person.refreshToken);
  });

  it("a replica waiting on a refresh held by a dead replica takes over once the lock expires", async () => {
    const { sb, person, counts, a, b } = await twoReplicas();
    await a.source.accessToken();
    sb.admin.expireTokens();
    // A replica took the lock and died before it refreshed: its lock outlives it by its TTL only.
    expect(await a.store.kv.setIfAbsent(sharedTokenKeys(a.store.key).lock, "dead-replica", 300)).not.toBeNull();
    const renewed = await b.source.refresh(person.accessToken);
    expect(renewed).not.toBe(person.accessToken);
    expect(counts).toEqual({ refreshes: 1, exchanges: 0 });
  });

  it("after an unlink on one replica, the other stops using the tokens once its short memory lapses", async () => {
    const { a, b } = await twoReplicas({ memoryMs: 0 });
    await a.source.accessToken();
    await b.source.accessToken();
    await deleteSharedTokens(a.store);
    await expect(b.source.accessToken()).rejects.toBeInstanceOf(TokensForgottenError);
  });
});
