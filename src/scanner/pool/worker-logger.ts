import type { Logger } from "../../log/logger.ts";
import { serializeError } from "../../log/logger.ts";
import type { ResultMessage } from "./protocol.ts";

/**
 * A Logger for code running in a scanner thread: each line goes to the pool, which writes it with its own logger
 * (and its redaction). Fields are made plain JSON first: an Error or a function cannot always cross a thread.
 */
export function workerLogger(post: (line: ResultMessage) => void, bindings: Record<string, unknown> = {}): Logger {
  const write = (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    const plain =
      fields === undefined
        ? undefined
        : (JSON.parse(
            JSON.stringify({ ...bindings, ...fields }, (_key, value: unknown) =>
              value instanceof Error ? serializeError(value) : value,
            ),
          ) as Record<string, unknown>);
    post({ type: "log", level, message, ...(plain === undefined ? {} : { fields: plain }) });
  };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (more) => workerLogger(post, { ...bindings, ...more }),
  };
}
