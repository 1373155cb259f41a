import { Worker } from "node:worker_threads";
import type { Logger } from "../../log/logger.ts";
import { ScanError } from "../errors.ts";
import type { ScanOutcome } from "../scan-bytes.ts";
import type { JobMessage, ResultMessage } from "./protocol.ts";

export interface PoolOptions {
  readonly size: number;
  /** Jobs that may wait for a worker; one more is refused as `busy`. */
  readonly maxQueue: number;
  /** A worker that has not answered by then is terminated and replaced (jsqr cannot be interrupted). */
  readonly hardTimeoutMs: number;
  /**
   * A worker left without work this long is stopped (and started again on the next file): an idle worker
   * holds its decoders, its WASM heap and its planes' high-water mark, tens of megabytes each. Undefined: never.
   */
  readonly idleStopMs?: number;
  readonly logger: Logger;
}

export interface PoolJob {
  readonly bytes: Uint8Array;
  readonly timeBudgetMs: number;
  readonly skipSteps?: readonly string[];
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Called while the job waits: 1 means it is next. Called again each time it moves up. */
  readonly onQueued?: (position: number) => void;
}

interface Pending {
  readonly job: PoolJob;
  readonly options: RunOptions;
  settled: boolean;
  resolve(outcome: ScanOutcome): void;
  reject(error: ScanError): void;
  detach(): void;
}

interface Slot {
  worker: Worker;
  running: { pending: Pending; id: number; timer: NodeJS.Timeout } | null;
  /** While idle: when it will be stopped. */
  idleTimer?: NodeJS.Timeout;
}

const entry = new URL("./worker-entry.mjs", import.meta.url);

/**
 * A few worker threads that scan one file each at a time, with a bounded queue in front. The chat's thread
 * only posts bytes and waits, so it keeps answering while a 12 MP photo is decoded; when every worker is busy
 * a caller learns its place in the queue, and past the queue's end gets `busy` at once instead of a stall.
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  run(job: PoolJob, options: RunOptions = {}): Promise<ScanOutcome> {
    return new Promise<ScanOutcome>((resolve, reject) => {
      if (this.closed) return reject(new ScanError("closed", "the scanner has been closed"));
      if (options.signal?.aborted) return reject(new ScanError("aborted", "the scan was cancelled"));
      const onAbort = () => this.abort(pending);
      const pending: Pending = {
        job,
        options,
        settled: false,
        resolve: (outcome) => {
          if (pending.settled) return;
          pending.settled = true;
          pending.detach();
          resolve(outcome);
        },
        reject: (error) => {
          if (pending.settled) return;
          pending.settled = true;
          pending.detach();
          reject(error);
        },
        detach: () => options.signal?.removeEventListener("abort", onAbort),
      };
      options.signal?.addEventListener("abort", onAbort, { once: true });
      const slot = this.idleSlot();
      if (slot !== undefined) return this.dispatch(slot, pending);
      if (this.queue.length >= this.options.maxQueue) {
        return pending.reject(new ScanError("busy", "many notices are being read at once; try again in a moment"));
      }
      this.queue.push(pending);
      options.onQueued?.(this.queue.length);
    });
  }

  /** Worker threads alive now (started on demand, stopped when idle). */
  get workers(): number {
    return this.slots.length;
  }

  /** Stops the workers; queued and running scans fail with `closed`. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new ScanError("closed", "the scanner has been closed"));
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        clearTimeout(slot.idleTimer);
        if (slot.running !== null) {
          clearTimeout(slot.running.timer);
          slot.running.pending.reject(new ScanError("closed", "the scanner has been closed"));
        }
        await slot.worker.terminate();
      }),
    );
  }

  private idleSlot(): Slot | undefined {
    const idle = this.slots.find((s) => s.running === null);
    if (idle !== undefined) return idle;
    if (this.slots.length < this.options.size) {
      const slot: Slot = { worker: this.spawn(), running: null };
      this.slots.push(slot);
      this.listen(slot);
      return slot;
    }
    return undefined;
  }

  private spawn(): Worker {
    // Typed arrays live outside the JS heap; this caps what the decoders keep on it. A small young generation
    // makes V8 collect the short-lived planes of one scan sooner, which keeps the peak RSS down. Measured with
    // bench:scan: 4 MB took 40 MB off 16 MB's peak on 12 MP photos but slowed the median by a fifth (jsqr's
    // many small objects get promoted); 8 MB kept 16 MB's speed with a slightly lower peak.
    const worker = new Worker(entry, { resourceLimits: { maxOldGenerationSizeMb: 768, maxYoungGenerationSizeMb: 8 } });
    worker.unref();
    return worker;
  }

  private listen(slot: Slot): void {
    const { worker } = slot;
    worker.on("message", (message: ResultMessage) => {
      const running = slot.running;
      if (running === null || running.id !== message.id) return;
      clearTimeout(running.timer);
      slot.running = null;
      worker.unref();
      if (message.ok) running.pending.resolve(message.outcome);
      else running.pending.reject(new ScanError(message.code, message.message));
      this.next(slot);
      if (slot.running === null) this.stopWhenIdle(slot);
    });
    const failed = (reason: unknown) => {
      if (this.closed || !this.slots.includes(slot)) return;
      this.options.logger.error("scan worker failed", { error: reason });
      const running = slot.running;
      slot.running = null;
      if (running !== null) {
        clearTimeout(running.timer);
        running.pending.reject(new ScanError("scan_failed", "the file could not be scanned"));
      }
      // The slot is dropped, not respawned on the spot: a worker that cannot even start must not loop.
      this.drop(slot);
      this.drain();
    };
    worker.on("error", failed);
    worker.on("exit", (code) => failed(new Error(`worker exited with code ${code}`)));
  }

  private stopWhenIdle(slot: Slot): void {
    const after = this.options.idleStopMs;
    if (after === undefined || this.closed) return;
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.running === null && this.slots.includes(slot)) this.drop(slot);
    }, after);
    // An idle timer must not keep the process alive.
    slot.idleTimer.unref();
  }

  private drop(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners();
    void slot.worker.terminate();
    this.slots.splice(this.slots.indexOf(slot), 1);
  }

  /** Hands queued jobs to idle (or newly started) workers. */
  private drain(): void {
    while (!this.closed && this.queue.length > 0) {
      const slot = this.idleSlot();
      if (slot === undefined) return;
      this.next(slot);
    }
  }

  private dispatch(slot: Slot, pending: Pending): void {
    const id = this.nextId++;
    // A copy is transferred: the caller's buffer stays usable, and the worker owns its bytes.
    // (Uint8Array.from, not .slice(): a Node Buffer's slice is a view that transferring would detach.)
    const bytes = Uint8Array.from(pending.job.bytes);
    const message: JobMessage = {
      id,
      bytes,
      timeBudgetMs: pending.job.timeBudgetMs,
      skipSteps: pending.job.skipSteps,
    };
    const timer = setTimeout(() => {
      if (slot.running?.id !== id) return;
      this.options.logger.warn("scan timed out; restarting its worker", { ms: this.options.hardTimeoutMs });
      slot.running = null;
      pending.reject(new ScanError("timeout", "reading the file took too long"));
      this.drop(slot);
      this.drain();
    }, this.options.hardTimeoutMs);
    clearTimeout(slot.idleTimer);
    slot.running = { pending, id, timer };
    slot.worker.ref();
    slot.worker.postMessage(message, [bytes.buffer]);
  }

  private next(slot: Slot): void {
    if (this.closed) return;
    const pending = this.queue.shift();
    if (pending === undefined) return;
    for (const [i, p] of this.queue.entries()) p.options.onQueued?.(i + 1);
    this.dispatch(slot, pending);
  }

  private abort(pending: Pending): void {
    const at = this.queue.indexOf(pending);
    if (at >= 0) {
      this.queue.splice(at, 1);
      for (const [i, p] of this.queue.entries()) if (i >= at) p.options.onQueued?.(i + 1);
    }
    // A running scan cannot be interrupted; its answer, when it comes, is dropped.
    pending.reject(new ScanError("aborted", "the scan was cancelled"));
  }
}
