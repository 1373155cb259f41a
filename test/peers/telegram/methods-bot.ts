import type { BotCommand, File, Update, UserFromGetMe } from "telegraf/types";
import { BotApiError, bool, int, json, type Params, requireStr, str } from "./body.ts";
import type { PeerState } from "./state.ts";

/** Bot API: bots download files of at most 20 MB (core.telegram.org/bots/api#getfile). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

/** Update kinds Telegram sends when allowed_updates is empty (all but these, which must be asked for). */
const OPT_IN_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);

export function getMe(state: PeerState): UserFromGetMe {
  return {
    ...state.bot,
    username: state.bot.username ?? "pagobot_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  } as UserFromGetMe;
}

/** A pending long poll; a newer getUpdates ends it with 409, as Telegram does with two pollers. */
export interface Poll {
  terminate(error: BotApiError): void;
}

export interface PollContext {
  /** Resolves when the client went away (e.g. telegraf aborted the request on stop). */
  readonly closed: Promise<void>;
  register(poll: Poll): void;
  unregister(poll: Poll): void;
}

export async function getUpdates(state: PeerState, params: Params, context: PollContext): Promise<Update[]> {
  if (state.webhook !== undefined) {
    throw new BotApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );
  }
  const offset = int(params, "offset");
  const limit = Math.min(Math.max(int(params, "limit") ?? 100, 1), 100);
  const timeoutMs = Math.min(Math.max(int(params, "timeout") ?? 0, 0), 50) * 1000;
  const allowed = json(params, "allowed_updates");
  if (Array.isArray(allowed)) state.allowedUpdates = allowed.map(String);
  if (offset !== undefined && offset > 0) state.confirmBelow(offset);
  if (offset !== undefined && offset < 0) state.pending = state.pending.slice(offset);

  const ready = () => {
    // Telegram drops updates of kinds the bot did not ask for.
    state.pending = state.pending.filter((update) => isAllowed(update, state.allowedUpdates));
    return state.pending.slice(0, limit);
  };
  const now = ready();
  if (now.length > 0 || timeoutMs === 0) return now;

  return await new Promise<Update[]>((resolve, reject) => {
    let done = false;
    const finish = (error?: BotApiError) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      state.off("update", onUpdate);
      context.unregister(poll);
      if (error === undefined) resolve(ready());
      else reject(error);
    };
    const onUpdate = () => {
      if (ready().length > 0) finish();
    };
    const timer = setTimeout(() => finish(), timeoutMs);
    state.on("update", onUpdate);
    const poll: Poll = { terminate: finish };
    context.register(poll);
    void context.closed.then(() => finish());
  });
}

function isAllowed(update: Update, allowed: readonly string[]): boolean {
  const kind = Object.keys(update).find((key) => key !== "update_id");
  if (kind === undefined) return false;
  return allowed.length === 0 ? !OPT_IN_UPDATES.has(kind) : allowed.includes(kind);
}

export function setWebhook(state: PeerState, params: Params): true {
  const url = str(params, "url");
  if (bool(params, "drop_pending_updates")) state.pending = [];
  if (url === undefined) {
    state.webhook = undefined;
    return true;
  }
  if (!/^https?:\/\//.test(url))
    throw new BotApiError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for webhook");
  const secretToken = str(params, "secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw new BotApiError(400, "Bad Request: secret token contains unallowed characters");
  }
  const allowed = json(params, "allowed_updates");
  if (Array.isArray(allowed)) state.allowedUpdates = allowed.map(String);
  state.webhook = { url, ...(secretToken === undefined ? {} : { secretToken }) };
  state.emit("webhook");
  return true;
}

export function deleteWebhook(state: PeerState, params: Params): true {
  if (bool(params, "drop_pending_updates")) state.pending = [];
  state.webhook = undefined;
  state.emit("webhook");
  return true;
}

export function getWebhookInfo(state: PeerState, lastError: () => string | undefined): Record<string, unknown> {
  const error = lastError();
  return {
    url: state.webhook?.url ?? "",
    has_custom_certificate: false,
    pending_update_count: state.pending.length,
    ...(error === undefined ? {} : { last_error_message: error }),
  };
}

export function getFile(state: PeerState, params: Params): File {
  const fileId = requireStr(params, "file_id", "file_id is empty");
  const file = state.files.get(fileId);
  if (file === undefined) throw new BotApiError(400, "Bad Request: invalid file_id");
  file.getFileCalls += 1;
  if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw new BotApiError(400, "Bad Request: file is too big");
  // A relative path, as api.telegram.org answers (an absolute one would make telegraf build a file: URL).
  return {
    file_id: file.fileId,
    file_unique_id: file.uniqueId,
    ...(file.sizeHidden ? {} : { file_size: file.bytes.length }),
    file_path: file.path,
  };
}

function commandsKey(params: Params): string {
  const scope = (json(params, "scope") as { type?: string } | undefined) ?? { type: "default" };
  return `${JSON.stringify(scope)}|${str(params, "language_code") ?? ""}`;
}

export function setMyCommands(state: PeerState, params: Params): true {
  const commands = json(params, "commands");
  if (!Array.isArray(commands) || commands.length > 100)
    throw new BotApiError(400, "Bad Request: commands must be an array");
  for (const command of commands as Partial<BotCommand>[]) {
    if (typeof command.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
      throw new BotApiError(400, "Bad Request: BOT_COMMAND_INVALID");
    }
    const description = command.description;
    if (typeof description !== "string" || description.length < 1 || description.length > 256) {
      throw new BotApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
    }
  }
  state.commands.set(commandsKey(params), commands as BotCommand[]);
  return true;
}

export function getMyCommands(state: PeerState, params: Params): readonly BotCommand[] {
  return state.commands.get(commandsKey(params)) ?? [];
}

export function deleteMyCommands(state: PeerState, params: Params): true {
  state.commands.delete(commandsKey(params));
  return true;
}

export function setDescription(target: Map<string, string>, params: Params, field: string, max: number): true {
  const text = str(params, field) ?? "";
  if (text.length > max) throw new BotApiError(400, `Bad Request: ${field} is too long`);
  const language = str(params, "language_code") ?? "";
  if (text === "") target.delete(language);
  else target.set(language, text);
  return true;
}

export function getDescription(target: Map<string, string>, params: Params, field: string): Record<string, string> {
  return { [field]: target.get(str(params, "language_code") ?? "") ?? "" };
}
