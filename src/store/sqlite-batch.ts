import type Database from "better-sqlite3";

/**
 * Group commit for one SQLite connection: the statements asked for in one turn of the event loop run together in
 * one transaction at the end of that turn, in the order they were asked for, and each caller gets its statement's
 * own result once the transaction has committed.
 *
 * A statement committed on its own costs a dozen system calls (file locks on the shared memory, a WAL frame write
 * for every page it touched) where the statement itself takes a few microseconds; a batch pays that once, and a
 * page written by several statements of the batch goes to the WAL once. Each statement is still atomic, and
 * another connection sees all of a batch or none of it. A batch that fails anywhere is rolled back and its
 * statements run again one at a time, so that each caller gets exactly its own statement's outcome.
 */
export interface Batcher {
  /** Queues `run` (one statement) for this turn's batch; `writes` says whether it changes the file. */
  enqueue<T>(run: () => T, writes: boolean): Promise<T>;
  /** Runs what is queued now (before the connection closes). */
  flush(): void;
}

interface Pending {
  readonly run: () => unknown;
  readonly writes: boolean;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

export function createBatcher(db: Database.Database): Batcher {
  // A batch that writes takes the write lock when it begins (it waits for other connections' writes there, under
  // the busy timeout), so no statement inside it can meet SQLITE_BUSY halfway.
  const beginWrite = db.prepare("BEGIN IMMEDIATE");
  const beginRead = db.prepare("BEGIN");
  const commit = db.prepare("COMMIT");
  const rollback = db.prepare("ROLLBACK");
  let queue: Pending[] = [];

  const runAlone = (pending: Pending) => {
    try {
      pending.resolve(pending.run());
    } catch (error) {
      pending.reject(error);
    }
  };

  const flush = () => {
    const batch = queue;
    queue = [];
    if (batch.length <= 1) {
      if (batch[0] !== undefined) runAlone(batch[0]);
      return;
    }
    const results: unknown[] = [];
    try {
      (batch.some((pending) => pending.writes) ? beginWrite : beginRead).run();
      for (const pending of batch) results.push(pending.run());
      commit.run();
    } catch {
      // The batch's statements are undone; each runs again on its own and answers its own outcome.
      if (db.inTransaction) rollback.run();
      for (const pending of batch) runAlone(pending);
      return;
    }
    for (const [i, pending] of batch.entries()) pending.resolve(results[i]);
  };

  return {
    enqueue<T>(run: () => T, writes: boolean): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        // The first statement of a turn schedules the batch: after the I/O callbacks of this turn, which are the
        // ones that ask for statements together (a webhook's flows, the outbox, timers).
        if (queue.length === 0) setImmediate(flush);
        queue.push({ run, writes, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    flush,
  };
}
