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
  if (value instanceof Error) return { type: value.name, message: redactText(value.message) };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === "string") out[key] = redactText(field);
    else if (field instanceof Error) {
      const code = (field as { code?: unknown }).code;
      out[key] = { type: field.name, message: redactText(field.message), ...(code === undefined ? {} : { code }) };
    } else out[key] = field;
  }
  return out;
}

function wrap(base: pino.Logger): Logger {
  return {
    debug: (message, fields) => base.debug(fields ?? {}, message),
    info: (message, fields) => base.info(fields ?? {}, message),
    warn: (message, fields) => base.warn(fields ?? {}, message),
    error: (message, fields) => base.error(fields ?? {}, message),
    child: (bindings) => wrap(base.child(bindings)),
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
