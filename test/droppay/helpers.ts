import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { staticTokenSource, type TokenSource } from "../../src/droppay/auth/token-source.ts";
import { createDropPayClient, type DropPayClient, type DropPayClientOptions } from "../../src/droppay/client.ts";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { Cents } from "../../src/notice/money.ts";

/** A logger that keeps every line, to check what was (and was not) written. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
      lines.push(
        JSON.stringify({ level, message, ...bindings, ...fields }, (_k, v) =>
          v instanceof Error ? { name: v.name, message: v.message } : v,
        ),
      );
    };
    return {
      debug: write("debug"),
      info: write("info"),
      warn: write("warn"),
      error: write("error"),
      child: (b) => make({ ...bindings, ...b }),
    };
  };
  return Object.assign(make({}), { lines });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

/** Starts a sandbox for one test, fast: settlement in 30 ms, the slow payee 400 ms; closed after the test. */
export async function sandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const handle = await startSandbox({
    seed: 7,
    schedulerIntervalMs: 0,
    timing: { settleMs: 30, promisedMs: 60, slowMs: 400 },
    webhookRetry: { baseDelayMs: 20, maxDelayMs: 200, timeoutMs: 1_000 },
    ...options,
  });
  cleanups.push(() => handle.close());
  return handle;
}

/** A client with instant backoff and a short timeout, against a sandbox. */
export function clientFor(handle: SandboxHandle, options: Partial<DropPayClientOptions> = {}): DropPayClient {
  return createDropPayClient({
    baseUrl: handle.url,
    logger: options.logger ?? recordingLogger(),
    timeoutMs: 2_000,
    sleep: async () => {},
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    readBack: { attempts: 3, intervalMs: 20 },
    ...options,
  });
}

/** A funded account and a token source for it. */
export function account(handle: SandboxHandle, euroCents = 50_000): { id: string; tokens: TokenSource; token: string } {
  const created = handle.admin.createAccount({ balanceCents: euroCents });
  return { id: created.account.id, tokens: staticTokenSource(created.accessToken), token: created.accessToken };
}

/** An ordinary notice (no test payee): payable, ends PAID. */
export const plainNotice = {
  noticeNumber: "302016723749670000",
  fiscalCode: "80016350821",
  qrText: "PAGOPA|002|302016723749670000|80016350821|103069",
  amountCents: 103069 as Cents,
};

/** Waits until `check` returns something other than undefined, polling; fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** One request a listener received. */
export interface Received {
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly at: number;
}

/** A real webhook listener on loopback: records what arrives; answers with `answer()` (default 200). */
export async function webhookListener(answer: (count: number) => number = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")), at: Date.now() });
      res.writeHead(answer(received.length)).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return {
    received,
    /** The URL to post: credentials in its userinfo, as pagobot builds it. */
    url: (user = "form-42", secret = "s3cr3t/with:odd@chars") =>
      `http://${encodeURIComponent(user)}:${encodeURIComponent(secret)}@127.0.0.1:${port}/droppay/hook`,
    statuses: () => received.map((r) => (r.body as { status?: string }).status),
  };
}
