import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../../src/log/logger.ts";

/**
 * Bolt's logger interface over pagobot's: Bolt logs with loose arguments (strings, errors, objects), which become
 * one message with the rest as fields. Bolt's own level is left to pagobot's logger.
 */
export function toBoltLogger(logger: Logger): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  const write =
    (method: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]) => {
      const [first, ...rest] = args;
      const message = typeof first === "string" ? first : first instanceof Error ? first.message : "bolt";
      const extra = typeof first === "string" ? rest : args;
      logger[method](`slack: ${message}`, extra.length === 0 ? {} : { details: extra.map(printable) });
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel(next) {
      level = next;
    },
    getLevel() {
      return level;
    },
    setName() {},
  };
}

function printable(value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message } : value;
}
