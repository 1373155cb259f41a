import { ConfigError, loadConfig } from "./config/load.ts";
import type { Config } from "./config/schema.ts";
import { createHttpServer } from "./http/server.ts";
import { createLogger } from "./log/logger.ts";

/** The composition root: config → logger → HTTP server → (store, DropPay, scanner, engine, adapters as they land). */
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
  const logger = createLogger({ level: config.LOG_LEVEL });
  const http = createHttpServer(logger);
  http.mount("/healthz", (_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
  });
  const url = await http.listen(config.PORT);
  logger.info("pagobot is up", { url });
  const stop = async () => {
    await http.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await main();
