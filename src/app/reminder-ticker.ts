import type { EngineRuntime } from "../engine/engine.ts";
import type { Logger } from "../log/logger.ts";

/** Reminders fire at 09:00 Italian time: a look once a minute is on time, and cheap (only what the due index says is due). */
const EVERY_MS = 60_000;

/**
 * Wakes the engine's household reminders once a minute (the engine reads the time from its clock; the timer only
 * wakes it). One pass at a time; a failed pass is logged and the next minute tries again.
 */
export function createReminderTicker(engine: Pick<EngineRuntime, "remind">, logger: Logger, everyMs = EVERY_MS) {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await engine.remind();
    } catch (error) {
      logger.error("reminders pass failed", { error });
    } finally {
      running = false;
    }
  };
  return {
    start() {
      if (timer !== undefined) return;
      timer = setInterval(() => void tick(), everyMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
