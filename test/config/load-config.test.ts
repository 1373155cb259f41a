import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { configKeys } from "../../src/config/schema.ts";

describe("loadConfig", () => {
  it("gives the embedded mode when nothing is set", () => {
    expect(loadConfig({})).toEqual({
      PORT: 3000,
      HOST: "127.0.0.1",
      STORE_URL: "sqlite://./data/pagobot.sqlite",
      PLAYGROUND: "on",
      SCAN_THREADS: 2,
      LOG_LEVEL: "info",
      DEFAULT_LOCALE: "it",
    });
  });

  it("counts empty strings as unset", () => {
    expect(loadConfig({ PORT: "", TELEGRAM_BOT_TOKEN: "  ", DEFAULT_LOCALE: "" })).toMatchObject({
      PORT: 3000,
      DEFAULT_LOCALE: "it",
    });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: "" }).TELEGRAM_BOT_TOKEN).toBeUndefined();
  });

  it("reads every setting", () => {
    const config = loadConfig({
      PORT: "8080",
      HOST: "0.0.0.0",
      METRICS_TOKEN: "a-long-enough-scrape-token",
      STORE_URL: "redis://127.0.0.1:6379",
      TELEGRAM_BOT_TOKEN: "123456:ABC-def_ghi",
      TELEGRAM_API_ROOT: "http://127.0.0.1:9000/",
      SLACK_BOT_TOKEN: "xoxb-test-token",
      SLACK_SIGNING_SECRET: "s3cr3t",
      PLAYGROUND: "off",
      SCAN_THREADS: "0",
      DEFAULT_LOCALE: "en",
    });
    expect(config).toMatchObject({
      SCAN_THREADS: 0,
      PORT: 8080,
      HOST: "0.0.0.0",
      METRICS_TOKEN: "a-long-enough-scrape-token",
      PLAYGROUND: "off",
      DEFAULT_LOCALE: "en",
      STORE_URL: "redis://127.0.0.1:6379",
    });
  });

  it("names every bad or missing variable at once and never prints a value", () => {
    const secret = "xoxb-very-secret-value";
    let error: unknown;
    try {
      loadConfig({
        PORT: "not-a-port",
        STORE_URL: "mysql://secret-host",
        SLACK_BOT_TOKEN: secret,
        TELEGRAM_BOT_TOKEN: "oops-secret-token",
        DEFAULT_LOCALE: "klingon",
        SCAN_THREADS: "-1",
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { message, problems } = error as ConfigError;
    expect(problems.map((p) => p.split(" ")[0]).sort()).toEqual(
      ["DEFAULT_LOCALE", "PORT", "SCAN_THREADS", "SLACK_SIGNING_SECRET", "STORE_URL", "TELEGRAM_BOT_TOKEN"].sort(),
    );
    expect(message).toContain("DEFAULT_LOCALE must be one of it, en");
    expect(message).toContain("SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set");
    for (const value of [secret, "not-a-port", "mysql://secret-host", "oops-secret-token", "klingon"]) {
      expect(message).not.toContain(value);
    }
  });

  it("requires the webhook secret with a Telegram webhook URL", () => {
    expect(() =>
      loadConfig({ TELEGRAM_BOT_TOKEN: "1:abc", TELEGRAM_WEBHOOK_URL: "https://bot.example.it/telegram" }),
    ).toThrow(/TELEGRAM_WEBHOOK_SECRET is required/);
  });
});

describe(".env.example", () => {
  it("lists exactly the settings the schema reads, each with a comment", () => {
    const lines = readFileSync(new URL("../../.env.example", import.meta.url), "utf8").split("\n");
    const keys = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split("=")[0]);
    expect(keys.sort()).toEqual([...configKeys].sort());
    for (const key of keys) {
      const index = lines.findIndex((l) => l.startsWith(`${key}=`));
      expect(lines[index - 1], `comment above ${key}`).toMatch(/^# \S/);
    }
  });
});

describe("the playground's default", () => {
  const realDropPay = {
    DROPPAY_BASE_URL: "https://api.drop-pay.io",
    DROPPAY_APP_KEY: "app-key",
    DROPPAY_APP_SECRET: "app-secret",
  };

  it("is on with the embedded sandbox, off with a real DropPay, and PLAYGROUND decides when set", () => {
    expect(loadConfig({}).PLAYGROUND).toBe("on");
    expect(loadConfig(realDropPay).PLAYGROUND).toBe("off");
    expect(loadConfig({ ...realDropPay, PLAYGROUND: "on" }).PLAYGROUND).toBe("on");
    expect(loadConfig({ PLAYGROUND: "off" }).PLAYGROUND).toBe("off");
    expect(loadConfig({ ...realDropPay, PLAYGROUND: "" }).PLAYGROUND).toBe("off");
  });
});

describe("settings that are present but unused", () => {
  const warnings = (env: Record<string, string>) => {
    const lines: string[] = [];
    loadConfig(env, { warn: (line) => lines.push(line) });
    return lines;
  };

  it("reports none for the embedded mode, a full Telegram webhook set-up, or variables that are not ours", () => {
    expect(warnings({})).toEqual([]);
    expect(
      warnings({
        TELEGRAM_BOT_TOKEN: "123456:ABC-def",
        TELEGRAM_WEBHOOK_URL: "https://bot.example.it/telegram",
        TELEGRAM_WEBHOOK_SECRET: "s3cret",
        TELEGRAM_API_ROOT: "http://127.0.0.1:9000/",
        HOME: "/home/maria",
        PAGOBOT_SHARED_DIR: "../shared",
        DROPPAY_BASE_URL: "https://api.drop-pay.io",
        DROPPAY_APP_KEY: "k",
        DROPPAY_APP_SECRET: "s",
      }),
    ).toEqual([]);
  });

  it("reports Telegram webhook settings without a token, and a webhook secret in long-polling mode", () => {
    expect(warnings({ TELEGRAM_WEBHOOK_SECRET: "s3cret-value", TELEGRAM_API_ROOT: "http://127.0.0.1:9000/" })).toEqual([
      "TELEGRAM_API_ROOT is set but unused: it has no effect without TELEGRAM_BOT_TOKEN: the Telegram adapter starts only with a token",
      "TELEGRAM_WEBHOOK_SECRET is set but unused: it has no effect without TELEGRAM_BOT_TOKEN: the Telegram adapter starts only with a token",
    ]);
    expect(warnings({ TELEGRAM_BOT_TOKEN: "123456:ABC-def", TELEGRAM_WEBHOOK_SECRET: "s3cret-value" })).toEqual([
      "TELEGRAM_WEBHOOK_SECRET is set but unused: it has no effect without TELEGRAM_WEBHOOK_URL: without a webhook URL the bot uses long polling",
    ]);
  });

  it("reports Slack settings without a bot token", () => {
    expect(warnings({ SLACK_SIGNING_SECRET: "sig-value", SLACK_API_URL: "http://127.0.0.1:9001/api/" })).toEqual([
      "SLACK_SIGNING_SECRET is set but unused: it has no effect without SLACK_BOT_TOKEN: the Slack adapter starts only with a bot token",
      "SLACK_API_URL is set but unused: it has no effect without SLACK_BOT_TOKEN: the Slack adapter starts only with a bot token",
    ]);
  });

  it("reports a variable with one of our prefixes that is not a setting, suggesting the near one, never the value", () => {
    const lines = warnings({ DROPPAY_APP_SECERT: "very-secret-value", TELEGRAM_FOO: "x", PLAYGROUND_PORT: "8080" });
    expect(lines).toEqual([
      "DROPPAY_APP_SECERT is set but unused: it is not a pagobot setting (did you mean DROPPAY_APP_SECRET?)",
      "PLAYGROUND_PORT is set but unused: it is not a pagobot setting",
      "TELEGRAM_FOO is set but unused: it is not a pagobot setting",
    ]);
    expect(lines.join("\n")).not.toContain("very-secret-value");
  });

  it("ignores empty values, as loadConfig does", () => {
    expect(warnings({ TELEGRAM_WEBHOOK_SECRET: "", SLACK_APP_TOKEN: "  ", DROPPAY_TYPO: "" })).toEqual([]);
  });
});
