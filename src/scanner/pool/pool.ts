import { Worker } from "node:worker_threads";
import type { DueDate } from "../../family/due-date.ts";
import type { Logger } from "../../log/logger.ts";
import { ScanError } from "../errors.ts";
import type { ScanOutcome } from "../scan-bytes.ts";
import { collectGarbage } from "./collect.ts";
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
  /** Due-date reads that may wait (default 8); one more is answered null at once: OCR is a nicety, never a backlog. */
  readonly maxDueDateQueue?: number;
  /** Tesseract gives up on a picture after this long (default 20 s); the pool stops a worker silent 5 s longer. */
  readonly dueDateTimeoutMs?: number;
  /** A worker's Tesseract model (~100 MB) is dropped after this long without a due-date job (default 30 s). */
  readonly dueDateIdleMs?: number;
  readonly logger: Logger;
}

export interface PoolJob {
  readonly bytes: Uint8Array;
  readonly timeBudgetMs: number;
  readonly skipSteps?: readonly string[];
}

export interface DueDateJob {
  readonly bytes: Uint8Array;
  readonly today?: string;
}

export interface RunOptions {
  readonly signal?: AbortSignal;
  /** Called while the job waits: 1 means it is next. Called again each time it moves up. */
  readonly onQueued?: (position: number) => void;
}

interface ScanPending {
  readonly kind: "scan";
  readonly job: PoolJob;
  readonly options: RunOptions;
  settled: boolean;
  resolve(outcome: ScanOutcome): void;
  reject(error: ScanError): void;
  detach(): void;
}

/** A due-date read never fails: whatever goes wrong (busy, slow, a crash) leaves the picture without a date. */
interface DueDatePending {
  readonly kind: "due-date";
  readonly job: DueDateJob;
  resolve(due: DueDate | null): void;
}

type Pending = ScanPending | DueDatePending;

interface Slot {
  worker: Worker;
  running: { pending: Pending; id: number; timer: NodeJS.Timeout } | null;
  /** While idle: when it will be stopped. */
  idleTimer?: NodeJS.Timeout;
  /** It has read a due date, so it may still hold Tesseract's model: the next due date goes to it first. */
  readsDueDates: boolean;
}

const entry = new URL("./worker-entry.mjs", import.meta.url);

/** Due dates read at once across the pool: Tesseract takes a core flat out, and the scans need the others. */
const DUE_DATES_AT_ONCE = 1;

/**
 * A few worker threads that scan one file each at a time, with a bounded queue in front. The chat's thread
 * only posts bytes and waits, so it keeps answering while a 12 MP photo is decoded; when every worker is busy
 * a caller learns its place in the queue, and past the queue's end gets `busy` at once instead of a stall.
 *
 * The same threads read due dates from pictures (Tesseract), after the card is shown, under rules that keep a
 * scan from ever waiting for one: a queued scan goes before any queued due date; one due date is read at a time;
 * a due date takes an idle worker or starts one within `size`, else waits; and a worker reading a due date does
 * not count against the scans' `size`: a scan that finds every other worker busy starts one more thread rather
 * than wait behind Tesseract (so at most `size` + 1 threads).
 */
export class ScanPool {
  private readonly slots: Slot[] = [];
  private readonly scans: ScanPending[] = [];
  private readonly dueDates: DueDatePending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: PoolOptions) {}

  run(job: PoolJob, options: RunOptions = {}): Promise<ScanOutcome> {
    return new Promise<ScanOutcome>((resolve, reject) => {
      if (this.closed) return reject(new ScanError("closed", "the scanner has been closed"));
      if (options.signal?.aborted) return reject(new ScanError("aborted", "the scan was cancelled"));
      const onAbort = () => this.abort(pending);
      const pending: ScanPending = {
        kind: "scan",
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
      const slot = this.slotFor("scan");
      if (slot !== undefined) return this.dispatch(slot, pending);
      if (this.scans.length >= this.options.maxQueue) {
        return pending.reject(new ScanError("busy", "many notices are being read at once; try again in a moment"));
      }
      this.scans.push(pending);
      options.onQueued?.(this.scans.length);
    });
  }

  /** The due date printed on a picture, or null (none legible, too slow, too many waiting, closed). */
  readDueDate(job: DueDateJob): Promise<DueDate | null> {
    return new Promise<DueDate | null>((resolve) => {
      if (this.closed) return resolve(null);
      let settled = false;
      const pending: DueDatePending = {
        kind: "due-date",
        job,
        resolve: (due) => {
          if (settled) return;
          settled = true;
          resolve(due);
        },
      };
      const slot = this.scans.length === 0 ? this.slotFor("due-date") : undefined;
      if (slot !== undefined) return this.dispatch(slot, pending);
      if (this.dueDates.length >= (this.options.maxDueDateQueue ?? 8)) return resolve(null);
      this.dueDates.push(pending);
    });
  }

  /** Worker threads alive now (started on demand, stopped when idle). */
  get workers(): number {
    return this.slots.length;
  }

  /** Jobs being worked on now, by kind. */
  get running(): { readonly scans: number; readonly dueDates: number } {
    return { scans: this.runningCount("scan"), dueDates: this.runningCount("due-date") };
  }

  /** Stops the workers; queued and running scans fail with `closed`, due-date reads answer null. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.scans.splice(0)) p.reject(new ScanError("closed", "the scanner has been closed"));
    for (const p of this.dueDates.splice(0)) p.resolve(null);
    await Promise.all(
      this.slots.splice(0).map(async (slot) => {
        clearTimeout(slot.idleTimer);
        if (slot.running !== null) {
          clearTimeout(slot.running.timer);
          fail(slot.running.pending, new ScanError("closed", "the scanner has been closed"));
        }
        await slot.worker.terminate();
      }),
    );
  }

  private runningCount(kind: Pending["kind"]): number {
    return this.slots.filter((s) => s.running?.pending.kind === kind).length;
  }

  /** An idle worker for a job of this kind (started when the rules allow), or undefined: it must wait. */
  private slotFor(kind: Pending["kind"]): Slot | undefined {
    const idle = this.slots.filter((s) => s.running === null);
    if (kind === "scan") {
      if (this.runningCount("scan") >= this.options.size) return undefined;
      // A worker without Tesseract first, so the one holding it stays free for the next due date.
      return idle.find((s) => !s.readsDueDates) ?? idle[0] ?? this.start(kind);
    }
    if (this.runningCount("due-date") >= DUE_DATES_AT_ONCE) return undefined;
    const found = idle.find((s) => s.readsDueDates) ?? idle[0];
    if (found !== undefined) return found;
    return this.slots.length < this.options.size ? this.start(kind) : undefined;
  }

  private start(kind: Pending["kind"]): Slot {
    const slot: Slot = { worker: this.spawn(kind), running: null, readsDueDates: false };
    this.slots.push(slot);
    this.listen(slot);
    return slot;
  }

  private spawn(kind: Pending["kind"]): Worker {
    // Typed arrays live outside the JS heap; this caps what the decoders keep on it. A small young generation
    // makes V8 collect the short-lived planes of one scan sooner, which keeps the peak RSS down. Measured with
    // bench:scan: 4 MB took 40 MB off 16 MB's peak on 12 MP photos but slowed the median by a fifth (jsqr's
    // many small objects get promoted); 8 MB kept 16 MB's speed with a slightly lower peak.
    const worker = new Worker(entry, {
      resourceLimits: { maxOldGenerationSizeMb: 768, maxYoungGenerationSizeMb: 8 },
      // A thread started for a due date loads the scan decoders only when a scan comes.
      workerData: { preload: kind === "scan" },
    });
    worker.unref();
    return worker;
  }

  private listen(slot: Slot): void {
    const { worker } = slot;
    worker.on("message", (message: ResultMessage) => {
      if (message.type === "log") {
        this.options.logger[message.level](message.message, message.fields);
        return;
      }
      const running = slot.running;
      if (running === null || running.id !== message.id) return;
      clearTimeout(running.timer);
      slot.running = null;
      worker.unref();
      settle(running.pending, message);
      this.drain();
      if (slot.running === null) this.stopWhenIdle(slot);
    });
    const failed = (reason: unknown) => {
      if (this.closed || !this.slots.includes(slot)) return;
      this.options.logger.error("scan worker failed", { error: reason });
      const running = slot.running;
      slot.running = null;
      if (running !== null) {
        clearTimeout(running.timer);
        fail(running.pending, new ScanError("scan_failed", "the file could not be scanned"));
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
      if (slot.running !== null || !this.slots.includes(slot)) return;
      this.drop(slot);
      // The scanner has gone quiet: one collection on this thread hands back the files it was given, dead since
      // they were scanned. A chat's thread allocates little, so V8 may not collect for a long while, and until
      // then the last few dozen photos stay resident (bench:scan: 12–19 MB of the idle RSS). Once per quiet
      // spell, when no scan is waiting.
      if (this.slots.length === 0) collectGarbage();
    }, after);
    // An idle timer must not keep the process alive.
    slot.idleTimer.unref();
  }

  private drop(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.worker.removeAllListeners();
    // Its Tesseract thread, if any, stops with it.
    void slot.worker.terminate();
    this.slots.splice(this.slots.indexOf(slot), 1);
  }

  /** Hands queued jobs to idle (or newly started) workers: every scan that can go first, then due dates. */
  private drain(): void {
    while (!this.closed && this.scans.length > 0) {
      const slot = this.slotFor("scan");
      if (slot === undefined) return;
      const pending = this.scans.shift() as ScanPending;
      for (const [i, p] of this.scans.entries()) p.options.onQueued?.(i + 1);
      this.dispatch(slot, pending);
    }
    while (!this.closed && this.dueDates.length > 0) {
      const slot = this.slotFor("due-date");
      if (slot === undefined) return;
      this.dispatch(slot, this.dueDates.shift() as DueDatePending);
    }
  }

  private dispatch(slot: Slot, pending: Pending): void {
    const id = this.nextId++;
    // A copy is transferred: the caller's buffer stays usable, and the worker owns its bytes.
    // (Uint8Array.from, not .slice(): a Node Buffer's slice is a view that transferring would detach.)
    const bytes = Uint8Array.from(pending.job.bytes);
    const dueDateTimeoutMs = this.options.dueDateTimeoutMs ?? 20_000;
    const message: JobMessage =
      pending.kind === "scan"
        ? { type: "scan", id, bytes, timeBudgetMs: pending.job.timeBudgetMs, skipSteps: pending.job.skipSteps }
        : {
            type: "due-date",
            id,
            bytes,
            ...(pending.job.today === undefined ? {} : { today: pending.job.today }),
            timeoutMs: dueDateTimeoutMs,
            idleMs: this.options.dueDateIdleMs ?? 30_000,
          };
    // Tesseract gives up on its own at its timeout; this only catches a worker that no longer answers at all.
    const hardTimeoutMs = pending.kind === "scan" ? this.options.hardTimeoutMs : dueDateTimeoutMs + 5_000;
    const timer = setTimeout(() => {
      if (slot.running?.id !== id) return;
      this.options.logger.warn(`${pending.kind} timed out; restarting its worker`, { ms: hardTimeoutMs });
      slot.running = null;
      fail(pending, new ScanError("timeout", "reading the file took too long"));
      this.drop(slot);
      this.drain();
    }, hardTimeoutMs);
    clearTimeout(slot.idleTimer);
    slot.running = { pending, id, timer };
    if (pending.kind === "due-date") slot.readsDueDates = true;
    slot.worker.ref();
    slot.worker.postMessage(message, [bytes.buffer]);
  }

  private abort(pending: ScanPending): void {
    const at = this.scans.indexOf(pending);
    if (at >= 0) {
      this.scans.splice(at, 1);
      for (const [i, p] of this.scans.entries()) if (i >= at) p.options.onQueued?.(i + 1);
    }
    // A running scan cannot be interrupted; its answer, when it comes, is dropped.
    pending.reject(new ScanError("aborted", "the scan was cancelled"));
  }
}

function settle(pending: Pending, message: Exclude<ResultMessage, { type: "log" }>): void {
  if (pending.kind === "due-date") {
    pending.resolve(message.type === "due-date" ? message.due : null);
    return;
  }
  if (message.type !== "scan") {
    pending.reject(new ScanError("scan_failed", "the file could not be scanned"));
  } else if (message.ok) {
    pending.resolve(message.outcome);
  } else {
    pending.reject(new ScanError(message.code, message.message));
  }
}

function fail(pending: Pending, error: ScanError): void {
  if (pending.kind === "due-date") pending.resolve(null);
  else pending.reject(error);
}
