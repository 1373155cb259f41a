import { afterEach } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { startSandbox } from "../../src/droppay/sandbox/index.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { type Harness, type HarnessOptions, startHarness } from "./harness.ts";

/** Polls `check` until it holds; throws after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Bots that share what outlives one process — a store and a DropPay sandbox — as a restart or a second replica
 * does; every bot and sandbox a test started is stopped after it (call at a describe's top level).
 */
export function restartableBots() {
  const running: Harness[] = [];
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // A bot frozen by a failed test never finishes stopping: give each a moment, no more.
    const moment = () => new Promise((resolve) => setTimeout(resolve, 2_000));
    for (const h of running.splice(0).reverse()) await Promise.race([h.stop().catch(() => {}), moment()]);
    for (const close of closers.splice(0)) await close();
  });
  return {
    async start(options: HarnessOptions = {}): Promise<Harness> {
      const h = await startHarness(options);
      running.push(h);
      return h;
    },
    /** A store and a sandbox that outlive one bot process. */
    async world() {
      const clock = createManualClock(Date.now());
      const sandbox = await startSandbox({ clock, timing: { settleMs: 30, promisedMs: 30, slowMs: 300 } });
      closers.push(() => sandbox.close());
      return { clock, sandbox, kv: createMemoryKv() };
    },
    /** The test stops this bot itself (or it died): not stopped again after the test. */
    release(h: Harness): void {
      running.splice(running.indexOf(h), 1);
    },
    /** Dropped as a SIGKILL leaves it: its timers stopped, nothing handed over, never stopped. */
    kill(h: Harness): void {
      running.splice(running.indexOf(h), 1);
      h.app.reconciler.stop();
    },
  };
}
