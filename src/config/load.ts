import type { z } from "zod";
import { PagobotError } from "../errors.ts";
import { type Config, configKeys, configSchema, requiredWith } from "./schema.ts";

/** A start-up failure naming every bad or missing variable; it never carries a value. */
export class ConfigError extends PagobotError<"config_invalid"> {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super("config_invalid", `pagobot cannot start, fix these settings:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.problems = problems;
  }
}

/**
 * Reads pagobot's settings from an environment (by default the process's own). Empty strings count as unset,
 * so `PORT=` in a .env file means "use the default". Throws ConfigError listing every problem at once.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
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
