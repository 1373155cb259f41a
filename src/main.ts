import { createApp } from "./app.ts";
import { ConfigError, loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";

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
  // Adapters register their ChatPort and routes here, before start (e.g. the playground, Telegram).
  const { url } = await app.start();
  app.logger.info("pagobot is up", { url, droppay: app.sandbox ? `sandbox at ${app.sandbox.url}` : "DropPay" });
  const stop = async () => {
    await app.stop();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
