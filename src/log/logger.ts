import { pino } from "pino";
import { redactText } from "./redact.ts";

/** The logging port every module receives; pino implements it, tests pass a silent or recording one. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** Field paths whose values are secrets or personal data and are never written. */
export const redactedPaths = [
  "authorization",
  "*.authorization",
  "headers.authorization",
  "*.headers.authorization",
  "access_token",
  "*.access_token",
  "refresh_token",
  "*.refresh_token",
  "connection_code",
  "*.connection_code",
  "accessToken",
  "*.accessToken",
  "refreshToken",
  "*.refreshToken",
  "connectionCode",
  "*.connectionCode",
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "client_secret",
  "*.client_secret",
  "codice_ente",
  "*.codice_ente",
  "codice_avviso",
  "*.codice_avviso",
  "codice_avviso_2d",
  "*.codice_avviso_2d",
  "fiscalCode",
  "*.fiscalCode",
  "noticeNumber",
  "*.noticeNumber",
  "rptId",
  "*.rptId",
  "qr",
  "*.qr",
  "payload",
  "*.payload",
];

export interface LoggerOptions {
  level: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  destination?: NodeJS.WritableStream;
}

/** Creates the pino-backed logger. Free text is scrubbed too, because error messages can quote URLs. */
export function createLogger(options: LoggerOptions): Logger {
  const base = pino(
    {
      level: options.level,
      redact: { paths: redactedPaths, censor: "[redacted]" },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          // pino calls are (fields, message); scrub strings in the message and in string fields.
          const scrubbed = args.map((arg) => (typeof arg === "string" ? redactText(arg) : scrubFields(arg)));
          method.apply(this, scrubbed as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? process.stdout,
  );
  return wrap(base);
}

function scrubFields(value: unknown): unknown {
  if (value instanceof Error) return serializeError(value);
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string") out[key] = redactText(field);
    else if (field instanceof Error) out[key] = serializeError(field);
    else out[key] = field;
  }
  return out;
}

/** How many causes deep an error is written; a longer (or circular) chain ends with a note. */
const MAX_CAUSE_DEPTH = 5;

/** A logged error as JSON: what an operator needs to find the fault, with the same scrubbing as free text. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: unknown;
  cause?: SerializedError | string;
  errors?: (SerializedError | string)[];
}

/**
 * Writes an error with its stack, code and cause chain (and an AggregateError's errors): without them a log says
 * only "fetch failed". Only those fields are taken, never the error's other properties (a client error can carry
 * a whole response), and the message and stack go through redactText, as the stack repeats the message.
 */
export function serializeError(error: Error, depth = 0, seen: Set<unknown> = new Set()): SerializedError {
  seen.add(error);
  const out: SerializedError = { type: error.name, message: redactText(error.message) };
  if (typeof error.stack === "string") out.stack = redactText(error.stack);
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") out.code = code;
  const nested = (inner: unknown): SerializedError | string => {
    if (seen.has(inner)) return "[circular]";
    if (depth + 1 >= MAX_CAUSE_DEPTH) return "[cause chain too deep]";
    if (inner instanceof Error) return serializeError(inner, depth + 1, seen);
    // A non-error cause is written only when it is plain text: an object could hold a token under any name.
    return typeof inner === "string" || typeof inner === "number" ? redactText(String(inner)) : `[${typeof inner}]`;
  };
  if (error.cause !== undefined) out.cause = nested(error.cause);
  if (error instanceof AggregateError) out.errors = error.errors.map(nested);
  return out;
}

function wrap(base: pino.Logger): Logger {
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
    child: (bindings) => lazyChild(base, bindings),
  };
}

/**
 * A child made when it first writes a line at a level its parent writes: pino serializes (and redacts) a child's
 * bindings when the child is made, and most children (a payment's, on every webhook) write nothing at warn.
 */
function lazyChild(parent: pino.Logger, bindings: Record<string, unknown>): Logger {
  let made: Logger | undefined;
  const line = (level: "debug" | "info" | "warn" | "error") => (message: string, fields?: Record<string, unknown>) => {
    if (!parent.isLevelEnabled(level)) return;
    made ??= wrap(parent.child(bindings));
    made[level](message, fields);
  };
  return {
    debug: line("debug"),
    info: line("info"),
    warn: line("warn"),
    error: line("error"),
    child: (more) => lazyChild(parent, { ...bindings, ...more }),
  };
}

/** A logger that writes nothing, for tests and tools. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
