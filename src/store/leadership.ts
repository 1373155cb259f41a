import type { Logger } from "../log/logger.ts";
import type { StoreLease } from "./lease.ts";

export interface LeadershipOptions {
  readonly lease: StoreLease;
  /** The lease's lifetime: another replica takes over at most this long after the leader dies. */
  readonly ttlMs: number;
  /** How often the lease is taken or renewed (well under ttlMs). */
  readonly renewMs: number;
  /** This replica now leads: start the work only one replica may do. */
  onGain(): Promise<void> | void;
  /** This replica no longer leads (lease lost, store unreachable too long, or stopping): stop that work. */
  onLose(): Promise<void> | void;
  /** Called on each renewal while leading: restart the work if it ended on its own. */
  onHeld?(): Promise<void> | void;
  readonly logger: Logger;
}

/** A running claim to leadership. */
export interface Leadership {
  leading(): boolean;
  /** Stops trying, ends the work (onLose) if leading, and releases the lease for the next replica. */
  stop(): Promise<void>;
}

/**
 * Runs `onGain`/`onLose` as this replica wins and loses a lease in the shared store, renewing it every
 * `renewMs`. A leader that cannot reach the store steps down before its lease can have expired (one renewal
 * period early), so two replicas never both believe they lead.
 */
export function holdLeadership(options: LeadershipOptions): Leadership {
  const { lease, ttlMs, renewMs, logger } = options;
  let leading = false;
  let stopped = false;
  let lastHeldAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let step: Promise<void> = Promise.resolve();

  const once = async () => {
    let held: boolean | undefined;
    try {
      held = await lease.hold();
    } catch (error) {
      logger.warn("could not take or renew a lease", { error });
    }
    if (stopped) return;
    const now = performance.now();
    if (held === true) {
      lastHeldAt = now;
      if (!leading) {
        leading = true;
        await options.onGain();
      } else await options.onHeld?.();
      return;
    }
    if (leading && (held === false || now - lastHeldAt >= ttlMs - renewMs)) {
      leading = false;
      await options.onLose();
    }
  };

  const schedule = (delay: number) => {
    timer = setTimeout(() => {
      step = once()
        .catch((error: unknown) => logger.error("leadership step failed", { error }))
        .finally(() => {
          if (!stopped) schedule(renewMs);
        });
    }, delay);
    timer.unref();
  };
  schedule(0);

  return {
    leading: () => leading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await step;
      if (leading) {
        leading = false;
        await options.onLose();
      }
      await lease.release().catch((error: unknown) => logger.warn("could not release a lease", { error }));
    },
  };
}
