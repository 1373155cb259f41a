import { createPlaygroundAdapter } from "../adapters/playground/index.ts";
import { playgroundSandboxFrom } from "../adapters/playground/sandbox-bridge.ts";
import { slackFromConfig } from "../adapters/slack/from-config.ts";
import { telegramFromConfig } from "../adapters/telegram/from-config.ts";
import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";

/** How long a SIGTERM/SIGINT waits for work already accepted before handing the rest over. */
const STOP_GRACE_MS = 10_000;

/** `npm start`: loads the settings, assembles pagobot (createApp), starts each surface and listens. */
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  // Adapters register their ChatPort and routes here, before start. Each running surface adds one line to what
  // the terminal shows once pagobot listens.
  const surfaces: { name: string; detail: (url: string) => string }[] = [];
  const playground =
    config.PLAYGROUND === "on"
      ? createPlaygroundAdapter({
          engine: app.engine,
          http: app.http,
          logger: app.logger,
          // The chat's transcript lives in the store, so a restart does not empty the page.
          kv: app.kv,
          // Behind a public URL the page is reached by that host name too (the Host check refuses others).
          allowedHosts: config.PUBLIC_URL === undefined ? [] : [config.PUBLIC_URL],
          ...(app.sandbox === undefined ? {} : { sandbox: playgroundSandboxFrom(app.sandbox.admin) }),
        })
      : undefined;
  if (playground !== undefined) {
    surfaces.push({ name: "playground", detail: (url) => `${url}/  <- open it in your browser` });
  }
  const telegram = telegramFromConfig(config, app);
  if (telegram !== undefined) {
    const mode = config.TELEGRAM_WEBHOOK_URL === undefined ? "long polling" : "webhook";
    surfaces.push({ name: "telegram", detail: () => `bot connected (${mode})` });
  }
  const slack = slackFromConfig(config, app);
  if (slack !== undefined) {
    const how = (url: string) => (slack.mode === "socket" ? "Socket Mode" : `events at ${url}/slack/events`);
    surfaces.push({ name: "slack", detail: (url) => `app connected (${how(url)})` });
  }
  const { url } = await app.start();
  // After listening: a webhook registered now may be posted to at once.
  await telegram?.start();
  await slack?.start();
  app.logger.info("pagobot is up", { url, droppay: app.sandbox ? `sandbox at ${app.sandbox.url}` : "DropPay" });
  const payments = app.sandbox ? `DropPay sandbox at ${app.sandbox.url} (no real money)` : "DropPay";
  const lines = surfaces.map((s) => `  ${s.name.padEnd(12)}${s.detail(url)}`);
  if (lines.length === 0)
    lines.push("  no chat surface is running: set TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN, or PLAYGROUND=on");
  process.stdout.write(`\npagobot is running\n${lines.join("\n")}\n  ${"payments".padEnd(12)}${payments}\n\n`);
  // Graceful stop: no more updates (Telegram's poller stops; what it confirmed is in the engine), then up to
  // 10 s for accepted work and the outbox; what is still under way is handed over through the store.
  const stop = async () => {
    await telegram?.stop();
    await slack?.stop();
    // Before the store closes: the last transcript lines are written behind a short delay.
    await playground?.flush();
    await app.stop({ graceMs: STOP_GRACE_MS });
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
