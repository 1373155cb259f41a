import type { IncomingMessage, ServerResponse } from "node:http";
import { App, HTTPReceiver } from "@slack/bolt";
import type { Engine } from "../../src/engine/api.ts";
import type { EventAck, InboundEvent, IncomingFile } from "../../src/engine/events.ts";
import type { ChatPort } from "../../src/engine/ports.ts";
import type { HttpServer } from "../../src/http/server.ts";
import { localeFromTag, messagesFor } from "../../src/i18n/t.ts";
import type { Inbox } from "../../src/inbox/inbox.ts";
import type { Logger } from "../../src/log/logger.ts";
import type { Locale } from "../../src/notice/money.ts";
import { toBoltLogger } from "./bolt-logger.ts";
import { slashIntent } from "./commands.ts";
import { SlackStartError } from "./errors.ts";
import { createSlackFile, type SlackFileDescriptor, slackDescriptorFrom } from "./files.ts";
import { homeView } from "./home.ts";
import { slackMessages } from "./messages.ts";
import { MODAL_CALLBACK_ID, noticeModal, readSubmission } from "./modal.ts";
import type { OverviewSource } from "./overview.ts";
import { createPeopleDirectory } from "./people.ts";
import { createSlackPort } from "./port.ts";
import { ENGINE_ACTION_PREFIX, LINK_ACTION_PREFIX } from "./render.ts";
import { chatRef, messageIntent, type SlackMessageEvent } from "./to-event.ts";

/** Where Slack posts events, slash commands and interactions (the manifest's Request URLs). */
export const SLACK_EVENTS_PATH = "/slack/events";

/** A slash command's response_url stays usable for 30 minutes (5 uses): enough to answer "invite me". */
const RESPONSE_URL_TTL_MS = 30 * 60_000;

export interface SlackAdapterOptions {
  /** The bot token (SLACK_BOT_TOKEN, xoxb-…). */
  readonly token: string;
  /** Signs every request Slack posts (SLACK_SIGNING_SECRET); HTTP mode verifies it. */
  readonly signingSecret: string;
  /** An app-level token (SLACK_APP_TOKEN, xapp-…): Socket Mode instead of HTTP. */
  readonly appToken?: string;
  readonly engine: Engine;
  readonly logger: Logger;
  /** pagobot's HTTP server, where /slack/events is mounted (HTTP mode). */
  readonly http: Pick<HttpServer, "mount">;
  /** Another Web API (SLACK_API_URL), e.g. a test peer; Slack's own when absent. */
  readonly apiUrl?: string;
  readonly defaultLocale?: Locale;
  /** Per-channel pacing the outbox applies (Slack: about one message a second per channel). Default 1 s. */
  readonly minIntervalMs?: number;
  /**
   * The engine's read API for the Home tab (pending notices, recent payments); when given, the Home tab is also
   * published again whenever one of the person's payments changes.
   */
  /** Where files are registered to be fetched again after a restart (the app's inbox). */
  readonly inbox?: Pick<Inbox, "replayFiles">;
  readonly overview?: OverviewSource;
}

export interface SlackAdapter {
  readonly mode: "http" | "socket";
  readonly port: ChatPort;
  /** Checks the token (auth.test); in Socket Mode, also opens the connection. */
  start(): Promise<void>;
  /** Refuses further requests (Slack redelivers them later) and closes the socket. */
  stop(): Promise<void>;
  /** Publishes a person's Home tab again (to be called when one of their payments changes). */
  refreshHome(userId: string): Promise<void>;
}

/**
 * Connects pagobot to a Slack workspace with Bolt: `/paga` (and `/pay`), files shared in a DM or a channel the app
 * is in, button presses and the notice modal become engine events; engine views become Block Kit messages.
 * HTTP mode mounts Bolt's own receiver (signature check with its 5-minute window, 3-second ack) on pagobot's
 * server; Socket Mode is used when an app token is given.
 *
 * @example
 * const slack = createSlackAdapter({ token, signingSecret, engine, logger, http });
 * await slack.start();
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const { engine } = options;
  const defaultLocale = options.defaultLocale ?? "it";
  const logger = options.logger.child({ module: "slack" });
  const boltLogger = toBoltLogger(logger);
  const socketMode = options.appToken !== undefined;
  // The outbox retries failed deliveries (and waits out 429s) with its own stored, paced queue: the client must
  // not retry behind its back, or a 429 would hold the channel's queue for up to 30 minutes.
  const clientOptions = {
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    ...(options.apiUrl === undefined ? {} : { slackApiUrl: options.apiUrl }),
  };
  const receiver = socketMode
    ? undefined
    : new HTTPReceiver({
        signingSecret: options.signingSecret,
        endpoints: SLACK_EVENTS_PATH,
        logger: boltLogger,
        // Ack first, work after: the HTTP answer goes out at ack(), well within Slack's 3 seconds.
        processBeforeResponse: false,
      });
  const app = new App({
    token: options.token,
    ...(receiver === undefined
      ? { socketMode: true, appToken: options.appToken as string, signingSecret: options.signingSecret }
      : { receiver }),
    clientOptions,
    logger: boltLogger,
    deferInitialization: true,
  });
  const people = createPeopleDirectory(app.client, logger);
  const responseUrls = new Map<string, { url: string; locale: Locale; at: number }>();

  const localeOf = (tag: string | undefined) => localeFromTag(tag, defaultLocale);
  /** The latest command's response_url per channel, kept while Slack honours it (30 minutes). */
  const rememberResponseUrl = (channel: string, entry: { url: string; locale: Locale; at: number }) => {
    for (const [key, value] of responseUrls) if (entry.at - value.at > RESPONSE_URL_TTL_MS) responseUrls.delete(key);
    responseUrls.set(channel, entry);
  };

  const slackPort = createSlackPort(app.client, {
    logger,
    minIntervalMs: options.minIntervalMs ?? 1_000,
    async onNotInChannel(channel) {
      const recent = responseUrls.get(channel);
      if (recent === undefined || Date.now() - recent.at > RESPONSE_URL_TTL_MS) return;
      responseUrls.delete(channel);
      await answerResponseUrl(recent.url, slackMessages(recent.locale).inviteMe);
    },
  });

  /** Something only one person should read (a toast, a refusal): ephemeral in the channel, best effort. */
  const tellPerson = async (channel: string, userId: string, text: string) => {
    await app.client.chat.postEphemeral({ channel, user: userId, text }).catch((error: unknown) => {
      logger.warn("slack ephemeral message not delivered", { channel, error });
    });
  };

  const handleEvent = async (event: InboundEvent): Promise<EventAck | undefined> => {
    try {
      return await engine.handle(event);
    } catch (error) {
      logger.error("slack event failed", { chat: event.chat.chatId, type: event.type, error });
      await tellPerson(event.chat.chatId, event.from.userId, messagesFor(localeOf(event.from.locale)).errors.generic);
      return undefined;
    }
  };

  const fileOptions = {
    token: options.token,
    fileInfo: async (id: string) => (await app.client.files.info({ file: id })).file as SlackFileDescriptor | undefined,
  };
  const wrapFiles = (files: readonly SlackFileDescriptor[]) =>
    files.map((file): IncomingFile => createSlackFile(file, fileOptions));
  options.inbox?.replayFiles("slack", (source) => createSlackFile(slackDescriptorFrom(source), fileOptions));

  app.error(async (error) => {
    logger.error("slack listener failed", { error });
  });

  app.command(/^\/(paga|pay)$/, async ({ command, ack, client }) => {
    await ack();
    const from = await people.sender(command.user_id, command.user_name);
    const locale = localeOf(from.locale);
    const chat = chatRef(command.channel_id);
    rememberResponseUrl(command.channel_id, { url: command.response_url, locale, at: Date.now() });
    const intent = slashIntent(command.text);
    const eventId = `command:${command.trigger_id}`;
    if (intent.kind === "modal") {
      await client.views.open({
        trigger_id: command.trigger_id,
        view: noticeModal(locale, { channelId: chat.chatId }),
      });
      return;
    }
    await handleEvent(
      intent.kind === "command"
        ? { type: "command", chat, from, eventId, name: intent.name, args: intent.args }
        : { type: "text", chat, from, eventId, text: intent.text },
    );
  });

  app.action(new RegExp(`^${ENGINE_ACTION_PREFIX}`), async ({ ack, body, action, respond }) => {
    await ack();
    if (body.type !== "block_actions" || action.type !== "button" || action.value === undefined) return;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const messageId = body.message?.ts ?? body.container?.message_ts;
    if (typeof channel !== "string" || typeof messageId !== "string") return;
    const from = await people.sender(body.user.id, body.user.name);
    const eventAck = await handleEvent({
      type: "button",
      chat: chatRef(channel),
      from,
      // Each press is its own event (two people, or two taps, are two presses): the engine's lock decides.
      eventId: `action:${"action_ts" in action ? action.action_ts : body.trigger_id}:${body.user.id}`,
      ref: action.value,
      messageId,
    });
    // Slack has no toast: the pressing person alone reads it, as an ephemeral message.
    // A toast that only repeats the card (which changes at the same moment) would be a second message saying it.
    const toast = eventAck?.toast;
    if (toast === undefined || toast === "" || eventAck?.echoesCard === true) return;
    await app.client.chat.postEphemeral({ channel, user: body.user.id, text: toast }).catch(async (error: unknown) => {
      logger.debug("slack toast as ephemeral refused; answering on the response_url", { error });
      await respond({ response_type: "ephemeral", replace_original: false, text: toast }).catch(() => undefined);
    });
  });

  // Link buttons open their URL in the person's browser; Slack still posts the press, which needs only an ack.
  app.action(new RegExp(`^${LINK_ACTION_PREFIX}`), async ({ ack }) => {
    await ack();
  });

  app.view(MODAL_CALLBACK_ID, async ({ ack, body, view }) => {
    const from = await people.sender(body.user.id, body.user.name);
    const locale = localeOf(from.locale);
    const submission = readSubmission(view, locale);
    if (submission === undefined) {
      await ack();
      return;
    }
    if (submission.kind === "empty") {
      await ack({ response_action: "errors", errors: submission.errors });
      return;
    }
    await ack();
    const chat = chatRef(submission.context.channelId);
    const eventId = `view:${view.id}`;
    await handleEvent(
      submission.kind === "files"
        ? {
            type: "files",
            chat,
            from,
            eventId,
            files: wrapFiles(submission.files),
            ...(submission.text === undefined ? {} : { caption: submission.text }),
          }
        : { type: "text", chat, from, eventId, text: submission.text },
    );
  });

  const onMessage = async (event: SlackMessageEvent, botUserId: string | undefined, eventId: string | undefined) => {
    const intent = messageIntent(event, botUserId);
    if (intent.kind === "ignore") {
      logger.debug("slack message ignored", { eventId, reason: intent.reason });
      return;
    }
    const from = await people.sender(intent.userId);
    const base = { chat: intent.chat, from, ...(eventId === undefined ? {} : { eventId }) };
    if (intent.kind === "text") {
      await handleEvent({ ...base, type: "text", text: intent.text });
      return;
    }
    const files = wrapFiles(intent.files);
    await handleEvent({
      ...base,
      type: "files",
      files,
      ...(intent.caption === undefined ? {} : { caption: intent.caption }),
    });
  };

  app.event("message", async ({ event, context, body }) => {
    await onMessage(event as SlackMessageEvent, context.botUserId, body.event_id);
  });
  app.event("app_mention", async ({ event, context, body }) => {
    await onMessage(event as SlackMessageEvent, context.botUserId, body.event_id);
  });

  const publishHome = async (userId: string) => {
    const from = await people.sender(userId);
    const overview = await options
      .overview?.({ platform: "slack", userId, ...(from.locale === undefined ? {} : { locale: from.locale }) })
      .catch((error: unknown) => {
        logger.warn("slack home: payments could not be read", { userId, error });
        return undefined;
      });
    await app.client.views.publish({ user_id: userId, view: homeView(localeOf(from.locale), overview) });
  };

  app.event("app_home_opened", async ({ event }) => {
    if (event.tab !== "home") return;
    await publishHome(event.user);
  });

  // The Home tab follows the person's payments (read from the engine, so only when its read API is wired).
  const port: ChatPort =
    options.overview === undefined
      ? slackPort
      : { ...slackPort, paymentChanged: (person) => publishHome(person.userId) };
  engine.registerPort(port);
  let ready = false;
  let stopped = false;

  if (receiver !== undefined) {
    options.http.mount(SLACK_EVENTS_PATH, (req: IncomingMessage, res: ServerResponse) => {
      if (!ready || stopped) {
        // Not started, or shutting down: Slack delivers the event again later.
        req.resume();
        res.writeHead(503, { "content-type": "text/plain", "retry-after": "5" }).end("not ready\n");
        return;
      }
      if (req.method !== "POST") {
        req.resume();
        res.writeHead(405, { allow: "POST", "content-type": "text/plain" }).end("method not allowed\n");
        return;
      }
      receiver.requestListener(req, res);
    });
  }

  return {
    mode: socketMode ? "socket" : "http",
    port,
    async start() {
      stopped = false;
      try {
        await app.init();
      } catch (error) {
        throw new SlackStartError("Slack refused the bot token (auth.test failed); check SLACK_BOT_TOKEN", {
          cause: error,
        });
      }
      if (socketMode) await app.start();
      ready = true;
      logger.info("slack app started", { mode: socketMode ? "socket" : "http" });
    },
    async stop() {
      stopped = true;
      if (socketMode && ready) await app.stop();
      ready = false;
    },
    refreshHome: publishHome,
  };
}

/** Answers on a response_url, ephemerally. */
async function answerResponseUrl(url: string, text: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", replace_original: false, text }),
    signal: AbortSignal.timeout(10_000),
  });
  await response.body?.cancel();
}
