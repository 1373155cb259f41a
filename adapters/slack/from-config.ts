import type { App } from "../../src/app.ts";
import type { Config } from "../../src/config/schema.ts";
import { createSlackAdapter, type SlackAdapter } from "./index.ts";

/**
 * The Slack adapter as `npm start` runs it: started when SLACK_BOT_TOKEN is set (the config schema then requires
 * SLACK_SIGNING_SECRET), in Socket Mode when SLACK_APP_TOKEN is set, on `app`'s engine and HTTP server otherwise.
 */
export function slackFromConfig(
  config: Config,
  app: Pick<App, "engine" | "inbox" | "http" | "logger">,
): SlackAdapter | undefined {
  const token = config.SLACK_BOT_TOKEN;
  const signingSecret = config.SLACK_SIGNING_SECRET;
  if (token === undefined || signingSecret === undefined) return undefined;
  return createSlackAdapter({
    token,
    signingSecret,
    engine: app.engine,
    inbox: app.inbox,
    http: app.http,
    logger: app.logger,
    defaultLocale: config.DEFAULT_LOCALE,
    overview: (person) => app.engine.overview(person),
    ...(config.SLACK_APP_TOKEN === undefined ? {} : { appToken: config.SLACK_APP_TOKEN }),
    ...(config.SLACK_API_URL === undefined ? {} : { apiUrl: config.SLACK_API_URL }),
  });
}
