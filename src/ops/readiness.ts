import type { AtomicKv } from "../store/kv.ts";

/** One dependency's answer to a readiness probe. */
export interface CheckResult {
  readonly ok: boolean;
  readonly ms: number;
  /** What went wrong, in a few words (never a URL with credentials, never a stack). */
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly checks: { readonly store: CheckResult; readonly psp: CheckResult };
}

export interface ReadinessOptions {
  readonly kv: Pick<AtomicKv, "get">;
  /** DropPay's base URL (or the sandbox's). */
  readonly pspUrl: string;
  /** Per check (default 2000 ms): a load balancer's probe must not hang. */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** The key read to prove the store answers; it never exists, which is the cheapest read there is. */
const probeKey = "ops:readiness-probe";

/**
 * Checks, at once, that the store answers a read and that DropPay answers HTTP at all: any status counts (a 404
 * or 405 to a bare HEAD still proves the PSP is reachable); a refused connection or a timeout does not.
 */
export async function checkReadiness(options: ReadinessOptions): Promise<Readiness> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const doFetch = options.fetch ?? fetch;
  const [store, psp] = await Promise.all([
    timed(() => withTimeout(options.kv.get(probeKey), timeoutMs, "store")),
    timed(async () => {
      await doFetch(options.pspUrl, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
    }),
  ]);
  return { ready: store.ok && psp.ok, checks: { store, psp } };
}

async function timed(check: () => Promise<unknown>): Promise<CheckResult> {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  try {
    await check();
    return { ok: true, ms: ms() };
  } catch (error) {
    return { ok: false, ms: ms(), error: describe(error) };
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return "failed";
  if (error.name === "TimeoutError") return "timed out";
  const code = (error.cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException).code;
  return code ?? error.name;
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} timed out`), { name: "TimeoutError" })), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
