import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { configKeys } from "../../src/config/schema.ts";

// These tests read the process's own environment, as `npm start` does: pagobot's variables are cleared before
// each one and the environment is put back after, so the developer's or CI's settings do not leak in or out.
const ours = (key: string) =>
  (configKeys as string[]).includes(key) || /^(DROPPAY_|TELEGRAM_|SLACK_|PLAYGROUND)/.test(key);

describe("loadConfig at start (the process's environment and .env)", () => {
  let saved: Record<string, string | undefined>;
  let dir: string;
  beforeEach(() => {
    saved = { ...process.env };
    for (const key of Object.keys(process.env)) if (ours(key)) delete process.env[key];
    dir = mkdtempSync(join(tmpdir(), "pagobot-env-"));
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    rmSync(dir, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it("reads settings from .env, and a variable of the real environment wins over the file", () => {
    const envFile = join(dir, ".env");
    writeFileSync(envFile, "# local settings\nPORT=4321\nDEFAULT_LOCALE=en\nLOG_LEVEL=\n");
    process.env.DEFAULT_LOCALE = "it";
    const config = loadConfig(undefined, { envFile, warn: () => {} });
    expect(config.PORT).toBe(4321);
    expect(config.DEFAULT_LOCALE).toBe("it");
    expect(config.LOG_LEVEL).toBe("info");
  });

  it("starts on the defaults when there is no .env", () => {
    const config = loadConfig(undefined, { envFile: join(dir, "missing.env"), warn: () => {} });
    expect(config).toMatchObject({ PORT: 3000, PLAYGROUND: "on", STORE_URL: "sqlite://./data/pagobot.sqlite" });
  });

  it("names a .env it cannot read, as a settings problem", () => {
    expect(() => loadConfig(undefined, { envFile: dir, warn: () => {} })).toThrow(ConfigError);
    expect(() => loadConfig(undefined, { envFile: dir, warn: () => {} })).toThrow(/could not be read/);
  });

  it("writes one warning line per unused setting to stderr, naming the key and never its value", () => {
    const envFile = join(dir, ".env");
    writeFileSync(envFile, "TELEGRAM_BOT_TOKN=123456:file-secret-value\nSLACK_APP_TOKEN=xapp-secret-value\n");
    const written: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    loadConfig(undefined, { envFile });
    expect(written).toEqual([
      "warning: TELEGRAM_BOT_TOKN is set but unused: it is not a pagobot setting (did you mean TELEGRAM_BOT_TOKEN?)\n",
      "warning: SLACK_APP_TOKEN is set but unused: it has no effect without SLACK_BOT_TOKEN: the Slack adapter starts only with a bot token\n",
    ]);
    expect(written.join("")).not.toContain("secret-value");
  });
});
