import { z } from "zod";

const optionalUrl = z.url().optional();
const boolSwitch = z.enum(["on", "off"]);

/**
 * Every setting pagobot reads, with its default. Unset variables give the embedded mode: the web
 * playground, the DropPay sandbox and an SQLite store under ./data, with no token at all.
 */
const settingsSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    // Loopback by default: the playground has no sign-in. A container or a host behind a proxy sets 0.0.0.0.
    HOST: z.string().min(1).default("127.0.0.1"),
    METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
    PUBLIC_URL: optionalUrl,
    STORE_URL: z
      .string()
      .regex(/^(sqlite:\/\/.+|redis(s)?:\/\/.+|memory:\/\/.*)$/, "must be sqlite://<path>, redis://… or memory://")
      .default("sqlite://./data/pagobot.sqlite"),
    SECRET_KEYS: z
      .string()
      .regex(
        /^[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9_-]{1,16}:[A-Za-z0-9+/_-]{43}=?)*$/,
        "must be a comma-separated list of <keyId>:<32 bytes in base64>, the active key first",
      )
      .optional(),
    DROPPAY_BASE_URL: optionalUrl,
    DROPPAY_APP_KEY: z.string().optional(),
    DROPPAY_APP_SECRET: z.string().optional(),
    TELEGRAM_BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]+$/, "must look like 123456:ABC-DEF… (from @BotFather)")
      .optional(),
    TELEGRAM_API_ROOT: optionalUrl,
    TELEGRAM_WEBHOOK_URL: optionalUrl,
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, "must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
      .optional(),
    SLACK_BOT_TOKEN: z.string().startsWith("xoxb-", "must start with xoxb-").optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().startsWith("xapp-", "must start with xapp-").optional(),
    SLACK_API_URL: optionalUrl,
    // Default: on with the embedded sandbox, off with a real DropPay (see withDerivedDefaults).
    PLAYGROUND: boolSwitch.optional(),
    // Scanner threads in this process. With Redis (several replicas), 0 makes a replica only queue photos for the
    // `pagobot worker`s; without Redis the process scans alone, so at least one thread runs whatever this says.
    SCAN_THREADS: z.coerce.number().int().min(0).max(64).default(2),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    DEFAULT_LOCALE: z.enum(["it", "en"]).default("it"),
  })
  .strict();

/**
 * Defaults that depend on other settings. The playground is a local demo surface with no sign-in: beside the
 * embedded sandbox it is the way to try pagobot, but with a real DropPay (DROPPAY_BASE_URL set) it moves real
 * money, so it is off unless PLAYGROUND=on asks for it.
 */
function withDerivedDefaults(settings: z.infer<typeof settingsSchema>) {
  const playground: "on" | "off" = settings.PLAYGROUND ?? (settings.DROPPAY_BASE_URL === undefined ? "on" : "off");
  return { ...settings, PLAYGROUND: playground };
}

export const configSchema = settingsSchema.transform(withDerivedDefaults);

/**
 * Settings that only make sense together: when the first is set, the second must be too. Checked on which
 * variables are present, so that a start-up error names these along with every malformed value.
 */
export const requiredWith: readonly { when: ConfigKey; needs: ConfigKey; why?: string }[] = [
  { when: "SLACK_BOT_TOKEN", needs: "SLACK_SIGNING_SECRET" },
  { when: "DROPPAY_APP_KEY", needs: "DROPPAY_APP_SECRET" },
  { when: "DROPPAY_APP_SECRET", needs: "DROPPAY_APP_KEY" },
  { when: "DROPPAY_BASE_URL", needs: "DROPPAY_APP_KEY", why: "a real DropPay needs the application's key and secret" },
  { when: "TELEGRAM_WEBHOOK_URL", needs: "TELEGRAM_BOT_TOKEN" },
  { when: "TELEGRAM_WEBHOOK_URL", needs: "TELEGRAM_WEBHOOK_SECRET", why: "Telegram sends it back on every update" },
];

/** The validated settings, as the rest of pagobot sees them. */
export type Config = z.output<typeof configSchema>;

export type ConfigKey = keyof z.infer<typeof settingsSchema>;

/** The names of every environment variable pagobot reads. */
export const configKeys = Object.keys(settingsSchema.shape) as ConfigKey[];
