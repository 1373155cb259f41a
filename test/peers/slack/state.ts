import { EventEmitter } from "node:events";
import { type SeenButton, type SeenMessage, seenMessage } from "./blocks.ts";

export interface PeerUser {
  readonly id: string;
  readonly name: string;
  readonly realName: string;
  /** Slack's locale tag (users.info with include_locale), e.g. "it-IT", "en-US". */
  readonly locale: string;
}

export interface PeerChannel {
  readonly id: string;
  readonly name: string;
  /** "im" is a direct message with the app; "channel" a public or private channel. */
  readonly kind: "channel" | "im";
  readonly members: Set<string>;
}

/** A message as it stands now in a channel (edits applied). */
export interface PeerMessage {
  readonly channel: string;
  readonly ts: string;
  /** Who posted it: a user id, or the bot's user id. */
  readonly user: string;
  readonly fromBot: boolean;
  text: string;
  blocks?: unknown;
  attachments?: unknown;
  readonly threadTs?: string;
  /** Files shared with the message (files.completeUploadExternal), by id. */
  readonly files?: readonly string[];
  seen: SeenMessage;
  edits: number;
}

/** A file Slack holds: files.info describes it; /files-pri/ serves its bytes to a bearer of the bot token. */
export interface PeerFile {
  readonly id: string;
  readonly name: string;
  readonly mimetype: string;
  readonly filetype: string;
  readonly bytes: Uint8Array;
  /** What Slack announces as `size` (the real length unless a test lies). */
  readonly size: number;
  readonly user: string;
  infoCalls: number;
  /** Downloads that got the bytes, and requests that got the login page instead. */
  downloads: number;
  loginPages: number;
}

/** An upload between files.getUploadURLExternal and files.completeUploadExternal; `bytes` once POSTed. */
export interface PeerUpload {
  readonly id: string;
  readonly filename: string;
  /** The length announced to getUploadURLExternal. */
  readonly length: number;
  bytes?: Uint8Array;
}

/** A response_url: up to 5 uses within 30 minutes (docs.slack.dev, "Handling user interaction"). */
export interface PeerResponseUrl {
  readonly id: string;
  readonly channel: string;
  readonly user: string;
  readonly createdAtMs: number;
  /** The message an interaction came from (replace_original edits it). */
  readonly messageTs?: string;
  uses: number;
}

/** A modal opened with views.open, or a Home tab published with views.publish. */
export interface PeerView {
  readonly id: string;
  readonly user: string;
  readonly type: "modal" | "home";
  view: Record<string, unknown>;
  seen: SeenMessage;
}

export interface PeerTrigger {
  readonly id: string;
  readonly user: string;
  readonly createdAtMs: number;
  used: boolean;
}

/** One step of the conversation as the peer saw it: what people did and what the bot showed them. */
export type TranscriptEntry = { readonly seq: number; readonly atMs: number; readonly channel: string } & (
  | { readonly side: "user"; readonly user: string; readonly what: string }
  | {
      readonly side: "bot";
      readonly kind: "message" | "edit" | "ephemeral" | "response";
      readonly ts: string;
      readonly threadTs?: string;
      /** For an ephemeral message or a response_url answer: the one person who sees it. */
      readonly visibleTo?: string;
      readonly text: string;
      readonly fallback: string;
      readonly buttons: readonly (readonly SeenButton[])[];
      readonly color?: string;
      /** Names of the files the message shares. */
      readonly files?: readonly string[];
    }
  | { readonly side: "bot"; readonly kind: "modal" | "home"; readonly user: string; readonly text: string }
);

export type NewTranscriptEntry = TranscriptEntry extends infer E
  ? E extends TranscriptEntry
    ? Omit<E, "seq" | "atMs">
    : never
  : never;

/** Every Web API call the peer answered, for assertions such as "the file was never downloaded". */
export interface ApiCall {
  /** When the peer answered it (the peer's clock). */
  readonly atMs: number;
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly status: number;
  readonly error?: string;
}

/** Everything the fake Slack remembers; the Web API, the ingress and the people's side share it. */
export class PeerState extends EventEmitter {
  readonly teamId = "T0PAGOBOT";
  readonly appId = "A0PAGOBOT";
  readonly botUserId = "U0PAGOBOT";
  readonly botId = "B0PAGOBOT";
  readonly users = new Map<string, PeerUser>();
  readonly channels = new Map<string, PeerChannel>();
  readonly messages = new Map<string, PeerMessage>();
  readonly files = new Map<string, PeerFile>();
  readonly uploads = new Map<string, PeerUpload>();
  readonly responseUrls = new Map<string, PeerResponseUrl>();
  readonly views = new Map<string, PeerView>();
  readonly triggers = new Map<string, PeerTrigger>();
  readonly transcript: TranscriptEntry[] = [];
  readonly calls: ApiCall[] = [];
  private seq = 0;
  private counter = 0;

  constructor(
    readonly token: string,
    readonly now: () => number,
    /** The OAuth scopes the app was granted; without files:read, file URLs answer the login page; without
     * files:write, uploads answer missing_scope. */
    readonly scopes: Set<string>,
  ) {
    super();
    this.setMaxListeners(0);
  }

  /** A fresh id with Slack's one-letter prefix (U…, C…, D…, F…, V…). */
  newId(prefix: string): string {
    this.counter += 1;
    return `${prefix}0${this.counter.toString(36).toUpperCase().padStart(8, "0")}`;
  }

  /** A message timestamp: seconds.microseconds, unique within the peer. */
  newTs(): string {
    this.counter += 1;
    return `${Math.floor(this.now() / 1000)}.${String(this.counter).padStart(6, "0")}`;
  }

  message(channel: string, ts: string): PeerMessage | undefined {
    return this.messages.get(`${channel}:${ts}`);
  }

  storeMessage(message: Omit<PeerMessage, "seen" | "edits">): PeerMessage {
    const stored: PeerMessage = {
      ...message,
      seen: seenMessage(message.text, message.blocks, message.attachments),
      edits: 0,
    };
    this.messages.set(`${message.channel}:${message.ts}`, stored);
    return stored;
  }

  record(entry: NewTranscriptEntry): void {
    this.seq += 1;
    this.transcript.push({ ...entry, seq: this.seq, atMs: this.now() } as TranscriptEntry);
    this.emit("transcript");
  }

  recordCall(call: Omit<ApiCall, "atMs">): void {
    this.calls.push({ ...call, atMs: this.now() });
    this.emit("call");
  }

  userName(id: string): string {
    return id === this.botUserId ? "pagobot" : (this.users.get(id)?.realName ?? id);
  }
}
