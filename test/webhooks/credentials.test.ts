import { describe, expect, it } from "vitest";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { createWebhookCredentials, createWebhookUrls } from "../../src/webhooks/credentials.ts";
import { hashSecret, parseBasicAuth, secretMatches } from "../../src/webhooks/verify-basic-auth.ts";

describe("webhook credentials", () => {
  it("are issued per item, kept only as hashes, and open only that item", async () => {
    const kv = createMemoryKv();
    const credentials = createWebhookCredentials(kv);
    const a = await credentials.issue("payment", "pa");
    const b = await credentials.issue("payment", "pb");
    expect(a.user).toBe("pa");
    expect(a.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const values = await Promise.all((await kv.keys("")).map(async (k) => (await kv.get(k))?.value ?? ""));
    expect(values.join("\n")).not.toContain(a.password);
    expect((await kv.get("webhook-credential:payment:pa"))?.value).toContain(hashSecret(a.password));
    expect(await credentials.verify("payment", "pa", "pa", a.password)).toBe(true);
    expect(await credentials.verify("payment", "pb", "pb", a.password)).toBe(false);
    expect(await credentials.verify("payment", "pb", "pa", a.password)).toBe(false);
    expect(await credentials.verify("link", "pa", "pa", a.password)).toBe(false);
    expect(await credentials.verify("payment", "pb", "pb", b.password)).toBe(true);
  });

  it("keep an earlier URL valid when a retried create got a new one", async () => {
    const credentials = createWebhookCredentials(createMemoryKv());
    const first = await credentials.issue("payment", "p1");
    const second = await credentials.issue("payment", "p1");
    expect(await credentials.verify("payment", "p1", "p1", first.password)).toBe(true);
    expect(await credentials.verify("payment", "p1", "p1", second.password)).toBe(true);
  });

  it("go into the listener URL's userinfo, under the public base URL", async () => {
    const urls = createWebhookUrls(createWebhookCredentials(createMemoryKv()), () => "https://bot.example.org");
    const url = new URL(await urls.forPayment("p9"));
    expect(url.origin).toBe("https://bot.example.org");
    expect(url.pathname).toBe("/droppay/hook/payment/p9");
    expect(url.username).toBe("p9");
    expect(url.password.length).toBeGreaterThan(40);
  });
});

describe("basic auth", () => {
  it("reads user and password, and nothing from a malformed header", () => {
    const header = `Basic ${Buffer.from("p1:s3cr:et").toString("base64")}`;
    expect(parseBasicAuth(header)).toEqual({ user: "p1", password: "s3cr:et" });
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth("Bearer abc")).toBeUndefined();
    expect(parseBasicAuth(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeUndefined();
  });

  it("matches a secret against its hash only", () => {
    expect(secretMatches("s", [hashSecret("s")])).toBe(true);
    expect(secretMatches("s", [hashSecret("t")])).toBe(false);
    expect(secretMatches("s", [])).toBe(false);
  });
});
