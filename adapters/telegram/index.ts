import { Telegraf } from "telegraf";
import type { Update } from "telegraf/types";
import type { Engine } from "../../src/engine/api.ts";
import type { InboundEvent } from "../../src/engine/events.ts";
import type { HttpServer } from "../../src/http/server.ts";
import { localeFromTag, messagesFor } from "../../src/i18n/t.ts";
import type { Inbox } from "../../src/inbox/inbox.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { Locale } from "../../src/notice/money.ts";
import type { AtomicKv } from "../../src/store/kv.ts";
import { holdLeadership, type Leadership } from "../../src/store/leadership.ts";
import { createStoreLease } from "../../src/store/lease.ts";
import { AlbumCollector } from "./albums.ts";
import { TelegramStartError } from "./errors.ts";
import { createTelegramFile, descriptorFrom } from "./files.ts";
import { createTelegramPort, type TelegramPort } from "./port.ts";
import { publishBotProfile } from "./profile.ts";
import { translateUpdate } from "./to-event.ts";
import { createWebhookHandler } from "./webhook.ts";

/** The update kinds the bot asks Telegram for. */
const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

export interface TelegramWebhookOptions {
  /** The public URL Telegram posts to (TELEGRAM_WEBHOOK_URL); its path is mounted on `http`. */
  readonly url: string;
  /** Sent back by Telegram in X-Telegram-Bot-Api-Secret-Token (TELEGRAM_WEBHOOK_SECRET). */
  readonly secret: string;
  /** pagobot's HTTP server, where the webhook path is mounted. */
  readonly http: Pick<HttpServer, "mount">;
}

/** Long polling shared by replicas: only the holder of a lease in the shared store polls. */
export interface TelegramPollingLease {
  readonly kv: AtomicKv;
  /**
   * Another replica takes over at most this long after the poller dies (default 6 s): the updates it had not
   * fetched wait that long, so it is kept as short as the store's renewals allow, like the engine's leases.
   */
  readonly ttlMs?: number;
  /** How often the lease is renewed, and a free one looked for (default 1.5 s). */
  readonly renewMs?: number;
}

export interface TelegramAdapterOptions {
  /** The bot token from @BotFather (TELEGRAM_BOT_TOKEN). */
  readonly token: string;
  readonly engine: Engine;
  readonly logger: Logger;
  /** The language for people whose app sends none (DEFAULT_LOCALE); menus in it are the fallback. */
  readonly defaultLocale?: Locale;
  /** Another Bot API server (TELEGRAM_API_ROOT): a local telegram-bot-api, or a test peer. */
  readonly apiRoot?: string;
  /** Webhook mode; long polling when absent. */
  readonly webhook?: TelegramWebhookOptions;
  /** Quiet time that closes an album (Telegram sends its parts back to back). Default 1 s. */
  readonly albumWindowMs?: number;
  /** Per-chat pacing the engine's outbox applies to deliveries. Default 1 s (Telegram's per-chat guidance). */
  readonly minIntervalMs?: number;
  /** Where files are registered to be fetched again after a restart (the app's inbox). */
  readonly inbox?: Pick<Inbox, "replayFiles">;
  /**
   * Long polling only: poll only while holding this lease, so that of several replicas one polls at a time
   * (Telegram ends a second poller's getUpdates with 409). Without it, this process always polls.
   */
  readonly pollingLease?: TelegramPollingLease;
}

export interface TelegramAdapter {
  readonly mode: "polling" | "webhook";
  /** The port registered with the engine (views for Telegram chats go through it). */
  readonly port: TelegramPort;
  /** Checks the token (getMe), publishes menus, then polls or registers the webhook. */
  start(): Promise<void>;
  /** Stops polling (or refuses webhook posts so Telegram keeps them), hands gathered albums to the engine. */
  stop(): Promise<void>;
}

/**
 * Connects pagobot to a Telegram bot with telegraf: updates become engine events, engine views become HTML
 * messages with inline keyboards. Registers its ChatPort with the engine.
 *
 * @example
 * const telegram = createTelegramAdapter({ token, engine, logger, webhook: { url, secret, http } });
 * await telegram.start();
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const { engine } = options;
  const defaultLocale = options.defaultLocale ?? "it";
  const logger = options.logger.child({ module: "telegram" });
  const bot = new Telegraf(options.token, {
    // webhookReply: false, or telegraf writes the first answerCbQuery into the webhook response, blind.
    telegram: {
      webhookReply: false,
      ...(options.apiRoot === undefined ? {} : { apiRoot: withSlash(options.apiRoot) }),
    },
    handlerTimeout: 30_000,
  });
  const port = createTelegramPort(bot.telegram, { logger, minIntervalMs: options.minIntervalMs ?? 1_000 });
  options.inbox?.replayFiles("telegram", (source) => createTelegramFile(bot.telegram, descriptorFrom(source)));
  let stopped = false;
  let polling: Promise<void> | undefined;
  let leadership: Leadership | undefined;

  // launch() resolves only when polling ends; it deletes any webhook first, as polling requires. A poll that
  // ends on its own (a 409 at a hand-over) leaves `polling` unset, so a lease holder starts it again.
  const startPolling = () => {
    const current = bot.launch({ allowedUpdates: [...ALLOWED_UPDATES] }).catch((error: unknown) => {
      logger.error("telegram polling stopped", { error });
      if (polling === current) polling = undefined;
    });
    polling = current;
  };
  const endPolling = async () => {
    const current = polling;
    polling = undefined;
    if (current !== undefined) await stopPolling(bot, current);
  };

  /** The adapter's one top-level catch: log, then the localised last-resort message to the chat. */
  const fail = async (error: unknown, chatId: string | undefined, locale: string | undefined) => {
    logger.error("telegram update failed", { chatId, error });
    if (chatId === undefined) return;
    const text = messagesFor(localeFromTag(locale, defaultLocale)).errors.generic;
    await bot.telegram.sendMessage(chatId, text).catch((sendError: unknown) => {
      logger.warn("telegram failure message not delivered", { chatId, error: sendError });
    });
  };

  const handleEvent = async (event: InboundEvent) => {
    try {
      return await engine.handle(event);
    } catch (error) {
      await fail(error, event.chat.chatId, event.from.locale);
      return undefined;
    }
  };

  const albums = new AlbumCollector({
    windowMs: options.albumWindowMs ?? 1_000,
    maxWaitMs: (options.albumWindowMs ?? 1_000) * 5,
    onAlbum: handleEvent,
  });

  bot.use(async (ctx) => {
    const translation = translateUpdate(ctx.update, {
      botUsername: ctx.botInfo.username,
      file: (descriptor) => createTelegramFile(bot.telegram, descriptor),
    });
    if (translation.kind === "album-part") return albums.add(translation);
    if (translation.kind === "ignore") {
      logger.debug("telegram update ignored", { updateId: ctx.update.update_id, reason: translation.reason });
      // A press on a button we no longer know still gets its spinner stopped.
      if (ctx.callbackQuery !== undefined) await ctx.answerCbQuery().catch(() => undefined);
      return;
    }
    const ack = await handleEvent(translation.event);
    if (translation.event.type !== "button") return;
    // Answer the press at once with the engine's toast; the payment work goes on in the engine.
    await ctx.answerCbQuery(ack?.toast, ack?.alert === true ? { show_alert: true } : {}).catch((error: unknown) => {
      logger.warn("telegram callback answer refused", { error });
    });
  });

  // Without this, telegraf rethrows and one bad update would end long polling for everyone.
  bot.catch((error, ctx) => fail(error, ctx.chat?.id.toString(), ctx.from?.language_code));

  const handleUpdate = (update: Update) => bot.handleUpdate(update);
  engine.registerPort(port);

  return {
    mode: options.webhook === undefined ? "polling" : "webhook",
    port,
    async start() {
      stopped = false;
      try {
        bot.botInfo = await bot.telegram.getMe();
      } catch (error) {
        throw new TelegramStartError("Telegram refused the bot token (getMe failed); check TELEGRAM_BOT_TOKEN", {
          cause: error,
        });
      }
      await publishBotProfile(bot.telegram, defaultLocale, logger);
      const webhook = options.webhook;
      if (webhook !== undefined) {
        const path = new URL(webhook.url).pathname;
        if (path === "/") throw new TelegramStartError("TELEGRAM_WEBHOOK_URL needs a path, e.g. https://host/telegram");
        webhook.http.mount(
          path,
          createWebhookHandler({ secret: webhook.secret, handleUpdate, isStopped: () => stopped, logger }),
        );
        await bot.telegram
          .setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: [...ALLOWED_UPDATES] })
          .catch((error: unknown) => {
            throw new TelegramStartError("Telegram refused the webhook URL (setWebhook failed)", { cause: error });
          });
        logger.info("telegram bot started with a webhook", { bot: bot.botInfo.username, path });
        return;
      }
      const shared = options.pollingLease;
      if (shared === undefined) {
        startPolling();
        logger.info("telegram bot started with long polling", { bot: bot.botInfo.username });
        return;
      }
      const ttlMs = shared.ttlMs ?? 6_000;
      leadership = holdLeadership({
        lease: createStoreLease(shared.kv, `telegram-poller:${bot.botInfo.id}`, { ttlMs }),
        ttlMs,
        renewMs: shared.renewMs ?? 1_500,
        logger,
        onGain: () => {
          logger.info("telegram long polling: this replica polls", { bot: bot.botInfo?.username });
          startPolling();
        },
        onHeld: () => {
          if (polling === undefined && !stopped) startPolling();
        },
        onLose: async () => {
          logger.info("telegram long polling: another replica polls now", { bot: bot.botInfo?.username });
          await endPolling();
        },
      });
      logger.info("telegram bot started with long polling (one replica at a time)", { bot: bot.botInfo.username });
    },
    async stop() {
      stopped = true;
      if (leadership !== undefined) {
        await leadership.stop();
        leadership = undefined;
      }
      await endPolling();
      await albums.flushAll();
      port.stopActivity();
    },
  };
}

/**
 * launch() starts its poller only after its own deleteWebhook call returns, and bot.stop() throws until then;
 * a stop that comes right after start waits for that moment (or for launch to have failed).
 */
async function stopPolling(bot: Telegraf, polling: Promise<void>): Promise<void> {
  let settled = false;
  void polling.finally(() => {
    settled = true;
  });
  for (let attempt = 0; !settled && attempt < 250; attempt += 1) {
    try {
      bot.stop("pagobot stopping");
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  await polling;
}

/** telegraf resolves method URLs against apiRoot, so a root without a trailing slash would lose its last segment. */
function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}
