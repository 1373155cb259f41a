import type { App } from "../../src/app.ts";
import type { Config } from "../../src/config/schema.ts";
import { createTelegramAdapter, type TelegramAdapter } from "./index.ts";

/**
 * The Telegram adapter as `npm start` runs it: started when TELEGRAM_BOT_TOKEN is set (undefined otherwise), in
 * webhook mode when TELEGRAM_WEBHOOK_URL is set (the config schema requires its secret then), on `app`'s engine
 * and HTTP server. In long polling, replicas on one store take turns through a lease: one polls at a time.
 */
export function telegramFromConfig(
  config: Config,
  app: Pick<App, "engine" | "inbox" | "http" | "logger" | "kv">,
): TelegramAdapter | undefined {
  const token = config.TELEGRAM_BOT_TOKEN;
  if (token === undefined) return undefined;
  const url = config.TELEGRAM_WEBHOOK_URL;
  const secret = config.TELEGRAM_WEBHOOK_SECRET;
  return createTelegramAdapter({
    token,
    engine: app.engine,
    inbox: app.inbox,
    logger: app.logger,
    defaultLocale: config.DEFAULT_LOCALE,
    ...(config.TELEGRAM_API_ROOT === undefined ? {} : { apiRoot: config.TELEGRAM_API_ROOT }),
    // Webhook mode needs no lease: Telegram posts each update to one URL, whichever replica answers it.
    ...(url === undefined || secret === undefined
      ? { pollingLease: { kv: app.kv } }
      : { webhook: { url, secret, http: app.http } }),
  });
}
