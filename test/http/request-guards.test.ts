import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { hostNameOf, isAllowedHost, isCrossSite, isJsonRequest } from "../../src/http/request-guards.ts";

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe("request guards", () => {
  it("reads the host name of a Host header, with or without a port, IPv6 in brackets", () => {
    expect(hostNameOf("LocalHost:3000")).toBe("localhost");
    expect(hostNameOf("[::1]:3000")).toBe("[::1]");
    expect(hostNameOf("127.0.0.1")).toBe("127.0.0.1");
    for (const bad of [undefined, "", "a b", "host:port", "user@host", "evil.test/path"])
      expect(hostNameOf(bad)).toBe(undefined);
  });

  it("allows loopback names and configured hosts only", () => {
    for (const host of ["localhost:3000", "127.0.0.1:1", "[::1]:3000", "app.localhost:3000"]) {
      expect(isAllowedHost(host), host).toBe(true);
    }
    for (const host of ["evil.test", "127.0.0.1.nip.io", "localhost.evil.test", "[::2]", undefined]) {
      expect(isAllowedHost(host), String(host)).toBe(false);
    }
    expect(isAllowedHost("pay.example.org", ["https://pay.example.org/telegram"])).toBe(true);
    expect(isAllowedHost("pay.example.org:8443", ["pay.example.org"])).toBe(true);
    expect(isAllowedHost("other.example.org", ["pay.example.org"])).toBe(false);
  });

  it("tells JSON bodies and cross-site browser requests", () => {
    expect(isJsonRequest(req({ "content-type": "application/json; charset=utf-8" }))).toBe(true);
    expect(isJsonRequest(req({ "content-type": "application/jsonp" }))).toBe(false);
    expect(isJsonRequest(req({ "content-type": "text/plain" }))).toBe(false);
    expect(isCrossSite(req({ host: "127.0.0.1:3000" }))).toBe(false);
    expect(isCrossSite(req({ host: "127.0.0.1:3000", origin: "http://127.0.0.1:3000" }))).toBe(false);
    expect(isCrossSite(req({ host: "127.0.0.1:3000", origin: "https://evil.test" }))).toBe(true);
    expect(isCrossSite(req({ host: "127.0.0.1:3000", origin: "null" }))).toBe(true);
    expect(isCrossSite(req({ host: "127.0.0.1:3000", "sec-fetch-site": "cross-site" }))).toBe(true);
  });
});
