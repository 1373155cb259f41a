import { type ConfigKey, configKeys } from "./schema.ts";

/** A setting that is present but has no effect: named, never with its value. */
export interface UnusedSetting {
  readonly key: string;
  readonly why: string;
}

/** Prefixes of pagobot's own settings: another variable starting with one is most likely a typo of ours. */
const OWN_PREFIXES = ["DROPPAY_", "TELEGRAM_", "SLACK_", "PLAYGROUND"];

/** Settings that only matter when another one is set (`needs`), and why. */
const USED_ONLY_WITH: readonly { key: ConfigKey; needs: ConfigKey; why: string }[] = [
  { key: "TELEGRAM_API_ROOT", needs: "TELEGRAM_BOT_TOKEN", why: "the Telegram adapter starts only with a token" },
  {
    key: "TELEGRAM_WEBHOOK_SECRET",
    needs: "TELEGRAM_BOT_TOKEN",
    why: "the Telegram adapter starts only with a token",
  },
  {
    key: "TELEGRAM_WEBHOOK_SECRET",
    needs: "TELEGRAM_WEBHOOK_URL",
    why: "without a webhook URL the bot uses long polling",
  },
  { key: "SLACK_SIGNING_SECRET", needs: "SLACK_BOT_TOKEN", why: "the Slack adapter starts only with a bot token" },
  { key: "SLACK_APP_TOKEN", needs: "SLACK_BOT_TOKEN", why: "the Slack adapter starts only with a bot token" },
  { key: "SLACK_API_URL", needs: "SLACK_BOT_TOKEN", why: "the Slack adapter starts only with a bot token" },
];

/**
 * The settings in `env` that pagobot will not use: a variable with one of our prefixes that is not a setting
 * (a typo, or one from another version), and a setting that has no effect in the chosen mode. Empty values count
 * as unset, as they do for loadConfig.
 */
export function findUnusedSettings(env: NodeJS.ProcessEnv): UnusedSetting[] {
  const present = (key: string) => {
    const value = env[key];
    return value !== undefined && value.trim() !== "";
  };
  const known = new Set<string>(configKeys);
  const unknown = Object.keys(env)
    .filter((key) => !known.has(key) && present(key) && OWN_PREFIXES.some((prefix) => key.startsWith(prefix)))
    .sort()
    .map((key) => {
      const near = closestKey(key);
      return { key, why: `is not a pagobot setting${near === undefined ? "" : ` (did you mean ${near}?)`}` };
    });
  const reported = new Set<string>();
  const inactive: UnusedSetting[] = [];
  for (const rule of USED_ONLY_WITH) {
    if (!present(rule.key) || present(rule.needs) || reported.has(rule.key)) continue;
    reported.add(rule.key);
    inactive.push({ key: rule.key, why: `has no effect without ${rule.needs}: ${rule.why}` });
  }
  return [...unknown, ...inactive];
}

/** The setting a mistyped name most likely meant: within two edits, or undefined. */
function closestKey(name: string): ConfigKey | undefined {
  let best: { key: ConfigKey; distance: number } | undefined;
  for (const key of configKeys) {
    const distance = editDistance(name, key);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { key, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
