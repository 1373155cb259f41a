import type { z } from "zod";
import { PagobotError } from "../errors.ts";
import { type Config, configKeys, configSchema, requiredWith } from "./schema.ts";
import { findUnusedSettings } from "./unused.ts";

/** A start-up failure naming every bad or missing variable; it never carries a value. */
export class ConfigError extends PagobotError<"config_invalid"> {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("config_invalid", `pagobot cannot start, fix these settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /**
   * The .env file read into the process's environment when no `env` is given. Default `.env` in the working
   * directory; null reads none.
   */
  envFile?: string | null;
  /**
   * Told one line per setting that is present but unused (named, never with its value). Default: written to
   * stderr when reading the process's own environment, ignored for an `env` passed in.
   */
  warn?: (line: string) => void;
}

/**
 * Reads pagobot's settings from an environment. Without one, it reads the process's own, after loading `.env`
 * (Node's own loader: a missing file is fine, and a variable already set in the real environment wins over the
 * file). Empty strings count as unset, so `PORT=` in a .env file means "use the default". Throws ConfigError
 * listing every problem at once; reports each setting that is present but has no effect through `warn`.
 */
export function loadConfig(env?: NodeJS.ProcessEnv, options: LoadConfigOptions = {}): Config {
  if (env === undefined) loadEnvFile(options.envFile === undefined ? ".env" : options.envFile);
  const source = env ?? process.env;
  const warn = options.warn ?? (env === undefined ? writeWarning : () => {});
  const config = parseSettings(source);
  for (const unused of findUnusedSettings(source)) warn(`${unused.key} is set but unused: it ${unused.why}`);
  return config;
}

/**
 * Loads a .env file into process.env with Node's own loader (process.loadEnvFile), which never replaces a
 * variable the real environment already has. True when a file was read; a missing one is not an error.
 */
export function loadEnvFile(path: string | null): boolean {
  if (path === null) return false;
  try {
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ENOENT") return false;
    throw new ConfigError([`${path} could not be read${typeof code === "string" ? ` (${code})` : ""}`]);
  }
}

function writeWarning(line: string): void {
  process.stderr.write(`warning: ${line}\n`);
}

function parseSettings(env: NodeJS.ProcessEnv): Config {
  const input: Record<string, string> = {};
  for (const key of configKeys) {
    const value = env[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const parsed = configSchema.safeParse(input);
  const missing = requiredWith
    .filter(({ when, needs }) => input[when] !== undefined && input[needs] === undefined)
    .map(({ when, needs, why }) => `${needs} is required when ${when} is set${why ? ` (${why})` : ""}`);
  if (parsed.success && missing.length === 0) return parsed.data;
  const issues = parsed.success ? [] : parsed.error.issues;
  const problems = issues.map((issue) => `${issue.path.join(".") || "environment"} ${describeIssue(issue)}`);
  throw new ConfigError([...problems, ...missing]);
}

// zod's own messages can quote the received value ("Invalid input: received …"); ours never do.
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "custom":
      return issue.message;
    case "invalid_format":
      return issue.format === "regex"
        ? issue.message
        : `must be a valid ${issue.format === "url" ? "URL" : issue.format}`;
    case "invalid_value":
      return `must be one of ${issue.values.map(String).join(", ")}`;
    case "invalid_type":
      return issue.expected === "number" ? "must be a number" : `must be a ${issue.expected}`;
    case "too_small":
    case "too_big":
      return "is out of range";
    default:
      return "is not valid";
  }
}
