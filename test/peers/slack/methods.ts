import { seenMessage } from "./blocks.ts";
import { bool, json, type Params, requireStr, SlackApiError, str } from "./body.ts";
import type { PeerFile, PeerState } from "./state.ts";

/** Slack's limits that pagobot's messages must respect (docs.slack.dev, chat.postMessage / Block Kit). */
const MAX_BLOCKS = 50;
const MAX_TEXT = 40_000;
/** A trigger_id can open a modal for 3 seconds. */
export const TRIGGER_TTL_MS = 3_000;

type Result = Record<string, unknown>;

export function authTest(state: PeerState, baseUrl: string): Result {
  return {
    url: `${baseUrl}/`,
    team: "Famiglia Rossi",
    user: "pagobot",
    team_id: state.teamId,
    user_id: state.botUserId,
    bot_id: state.botId,
    is_enterprise_install: false,
  };
}

export function usersInfo(state: PeerState, params: Params): Result {
  const user = state.users.get(requireStr(params, "user", "user_not_found"));
  if (user === undefined) throw new SlackApiError("user_not_found");
  return {
    user: {
      id: user.id,
      team_id: state.teamId,
      name: user.name,
      real_name: user.realName,
      is_bot: false,
      profile: { real_name: user.realName, display_name: user.name },
      // Slack adds the locale only when asked to.
      ...(bool(params, "include_locale") ? { locale: user.locale } : {}),
    },
  };
}

/** Where the bot may post: a channel it is a member of, or a DM with the app (a user id opens that DM). */
export function channelFor(state: PeerState, id: string) {
  const direct = state.channels.get(id);
  const channel =
    direct ?? [...state.channels.values()].find((c) => c.kind === "im" && c.members.has(id) && state.users.has(id));
  if (channel === undefined) throw new SlackApiError("channel_not_found");
  if (!channel.members.has(state.botUserId)) throw new SlackApiError("not_in_channel");
  return channel;
}

function checkContent(params: Params): { text: string; blocks: unknown; attachments: unknown } {
  const text = str(params, "text") ?? "";
  const blocks = json(params, "blocks");
  const attachments = json(params, "attachments");
  if (blocks !== undefined && (!Array.isArray(blocks) || blocks.length > MAX_BLOCKS)) {
    throw new SlackApiError("invalid_blocks");
  }
  if (text === "" && blocks === undefined && attachments === undefined) throw new SlackApiError("no_text");
  if (text.length > MAX_TEXT) throw new SlackApiError("msg_too_long");
  return { text, blocks, attachments };
}

export function postMessage(state: PeerState, params: Params): Result {
  const channel = channelFor(state, requireStr(params, "channel", "channel_not_found"));
  const content = checkContent(params);
  const threadTs = str(params, "thread_ts");
  if (threadTs !== undefined && state.message(channel.id, threadTs) === undefined) {
    throw new SlackApiError("thread_not_found");
  }
  const ts = state.newTs();
  const message = state.storeMessage({
    channel: channel.id,
    ts,
    user: state.botUserId,
    fromBot: true,
    ...content,
    ...(threadTs === undefined ? {} : { threadTs }),
  });
  state.record({
    side: "bot",
    kind: "message",
    channel: channel.id,
    ts,
    ...(threadTs === undefined ? {} : { threadTs }),
    text: message.seen.text,
    fallback: content.text,
    buttons: message.seen.buttons,
    ...(message.seen.color === undefined ? {} : { color: message.seen.color }),
  });
  return { channel: channel.id, ts, message: { type: "message", text: content.text, user: state.botUserId, ts } };
}

export function update(state: PeerState, params: Params): Result {
  const channelId = requireStr(params, "channel", "channel_not_found");
  const ts = requireStr(params, "ts", "message_not_found");
  const message = state.message(channelId, ts);
  if (message === undefined) throw new SlackApiError("message_not_found");
  if (!message.fromBot) throw new SlackApiError("cant_update_message");
  const content = checkContent(params);
  message.text = content.text;
  // chat.update replaces what it is given; blocks or attachments left out stay as they were, unless emptied.
  if (content.blocks !== undefined) message.blocks = content.blocks;
  if (content.attachments !== undefined) message.attachments = content.attachments;
  message.seen = seenMessage(message.text, message.blocks, message.attachments);
  message.edits += 1;
  state.record({
    side: "bot",
    kind: "edit",
    channel: channelId,
    ts,
    text: message.seen.text,
    fallback: content.text,
    buttons: message.seen.buttons,
    ...(message.seen.color === undefined ? {} : { color: message.seen.color }),
  });
  return { channel: channelId, ts, text: content.text };
}

export function postEphemeral(state: PeerState, params: Params): Result {
  const channel = channelFor(state, requireStr(params, "channel", "channel_not_found"));
  const user = requireStr(params, "user", "user_not_found");
  if (!channel.members.has(user)) throw new SlackApiError("user_not_in_channel");
  const content = checkContent(params);
  const ts = state.newTs();
  const seen = seenMessage(content.text, content.blocks, content.attachments);
  const threadTs = str(params, "thread_ts");
  state.record({
    side: "bot",
    kind: "ephemeral",
    channel: channel.id,
    ts,
    ...(threadTs === undefined ? {} : { threadTs }),
    visibleTo: user,
    text: seen.text,
    fallback: content.text,
    buttons: seen.buttons,
  });
  // Ephemeral messages are not stored: chat.update cannot find them, as on Slack.
  return { message_ts: ts };
}

export function filesInfo(state: PeerState, params: Params, baseUrl: string): Result {
  const file = state.files.get(requireStr(params, "file", "file_not_found"));
  if (file === undefined) throw new SlackApiError("file_not_found");
  file.infoCalls += 1;
  return { file: describeFile(file, state, baseUrl) };
}

/** A file object as events and files.info carry it. */
export function describeFile(file: PeerFile, state: PeerState, baseUrl: string): Record<string, unknown> {
  const url = `${baseUrl}/files-pri/${state.teamId}-${file.id}/${encodeURIComponent(file.name)}`;
  return {
    id: file.id,
    name: file.name,
    title: file.name,
    mimetype: file.mimetype,
    filetype: file.filetype,
    size: file.size,
    user: file.user,
    mode: "hosted",
    url_private: url,
    url_private_download: `${url}?download=1`,
  };
}

export function viewsOpen(state: PeerState, params: Params): Result {
  const triggerId = requireStr(params, "trigger_id", "invalid_trigger_id");
  const trigger = state.triggers.get(triggerId);
  if (trigger === undefined) throw new SlackApiError("invalid_trigger_id");
  if (trigger.used || state.now() - trigger.createdAtMs > TRIGGER_TTL_MS) throw new SlackApiError("expired_trigger_id");
  const view = json(params, "view");
  if (view === null || typeof view !== "object" || (view as { type?: unknown }).type !== "modal") {
    throw new SlackApiError("invalid_arguments");
  }
  trigger.used = true;
  const id = state.newId("V");
  const body = view as Record<string, unknown>;
  const seen = seenMessage(undefined, body.blocks, undefined);
  state.views.set(id, { id, user: trigger.user, type: "modal", view: body, seen });
  state.record({ side: "bot", kind: "modal", channel: "", user: trigger.user, text: seen.text });
  return { view: { id, ...body, state: { values: {} } } };
}

export function viewsPublish(state: PeerState, params: Params): Result {
  const user = requireStr(params, "user_id", "user_not_found");
  if (!state.users.has(user)) throw new SlackApiError("user_not_found");
  const view = json(params, "view");
  if (view === null || typeof view !== "object" || (view as { type?: unknown }).type !== "home") {
    throw new SlackApiError("invalid_arguments");
  }
  const existing = [...state.views.values()].find((v) => v.type === "home" && v.user === user);
  const id = existing?.id ?? state.newId("V");
  const body = view as Record<string, unknown>;
  const seen = seenMessage(undefined, body.blocks, undefined);
  state.views.set(id, { id, user, type: "home", view: body, seen });
  state.record({ side: "bot", kind: "home", channel: "", user, text: seen.text });
  return { view: { id, ...body } };
}
