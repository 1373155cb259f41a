import { seenMessage } from "./blocks.ts";
import type { Ingress, PostOutcome } from "./ingress.ts";
import { describeFile } from "./methods.ts";
import type { PeerChannel, PeerMessage, PeerState, PeerUser, PeerView } from "./state.ts";

/** A file a person uploads. `announcedSize` lets a test make Slack announce a size other than the real one. */
export interface Upload {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly mimetype: string;
  readonly announcedSize?: number;
}

/** A value typed or a file attached in a modal's input, by block_id and action_id. */
export type ModalValue =
  | { readonly block: string; readonly action: string; readonly text: string }
  | { readonly block: string; readonly action: string; readonly files: readonly Upload[] };

/** One person of the workspace: types, runs /paga, shares files, presses buttons, fills modals. */
export class PeerPerson {
  constructor(
    private readonly state: PeerState,
    private readonly ingress: Ingress,
    private readonly baseUrl: () => string,
    readonly user: PeerUser,
  ) {}

  get id(): string {
    return this.user.id;
  }

  /** Types a message; the app hears it if it is in the channel. Resolves to the event_id (if delivered). */
  say(channel: PeerChannel, text: string): { ts: string; eventId?: string } {
    const ts = this.state.newTs();
    this.state.storeMessage({ channel: channel.id, ts, user: this.id, fromBot: false, text });
    this.log(channel, `"${text}"`);
    if (!this.appHears(channel)) return { ts };
    const eventId = this.ingress.event({
      type: "message",
      channel: channel.id,
      channel_type: channel.kind === "im" ? "im" : "channel",
      user: this.id,
      text,
      ts,
    });
    return { ts, eventId };
  }

  /** Uploads files into a channel (a `message` event, subtype file_share, with files[]). */
  share(channel: PeerChannel, uploads: readonly Upload[], text = ""): { ts: string; eventId?: string } {
    const ts = this.state.newTs();
    const files = uploads.map((upload) => this.hostFile(upload));
    this.state.storeMessage({ channel: channel.id, ts, user: this.id, fromBot: false, text });
    const names = uploads.map((u) => `${u.name} (${u.mimetype}, ${kb(u.announcedSize ?? u.bytes.length)})`);
    this.log(channel, `shares ${names.join(", ")}${text === "" ? "" : ` with "${text}"`}`);
    if (!this.appHears(channel)) return { ts };
    const eventId = this.ingress.event({
      type: "message",
      subtype: "file_share",
      channel: channel.id,
      channel_type: channel.kind === "im" ? "im" : "channel",
      user: this.id,
      text,
      ts,
      upload: true,
      files,
    });
    return { ts, eventId };
  }

  /** Runs a slash command; what the app acks with is shown to this person only, as Slack does. */
  async slash(channel: PeerChannel, text: string, command = "/paga"): Promise<PostOutcome> {
    this.log(channel, `${command} ${text}`.trim());
    const response = this.responseUrl(channel);
    const trigger = this.trigger();
    const outcome = await this.ingress.command({
      token: "verification-token-unused",
      team_id: this.state.teamId,
      team_domain: "famiglia-rossi",
      channel_id: channel.id,
      channel_name: channel.kind === "im" ? "directmessage" : channel.name,
      user_id: this.id,
      user_name: this.user.name,
      command,
      text,
      api_app_id: this.state.appId,
      is_enterprise_install: "false",
      response_url: response,
      trigger_id: trigger,
    });
    this.showAck(channel, command, outcome);
    return outcome;
  }

  /** Presses a button on a message of the app, by its label (or a prefix of it). */
  async press(channel: PeerChannel, message: PeerMessage, label: string): Promise<PostOutcome> {
    const button = message.seen.buttons.flat().find((b) => b.text === label || b.text.startsWith(label));
    if (button === undefined) throw new Error(`no button "${label}" on message ${message.ts}`);
    this.log(channel, `presses [${button.text}] on ${message.ts}`);
    const actionTs = this.state.newTs();
    return await this.ingress.interaction({
      type: "block_actions",
      user: { id: this.id, username: this.user.name, name: this.user.name, team_id: this.state.teamId },
      api_app_id: this.state.appId,
      token: "verification-token-unused",
      container: { type: "message", message_ts: message.ts, channel_id: channel.id, is_ephemeral: false },
      trigger_id: this.trigger(),
      team: { id: this.state.teamId, domain: "famiglia-rossi" },
      channel: { id: channel.id, name: channel.name },
      message: {
        type: "message",
        user: message.user,
        ts: message.ts,
        text: message.text,
        ...(message.blocks === undefined ? {} : { blocks: message.blocks }),
        ...(message.attachments === undefined ? {} : { attachments: message.attachments }),
      },
      response_url: this.responseUrl(channel, message.ts),
      actions: [
        {
          type: "button",
          action_id: button.actionId,
          block_id: button.blockId ?? "",
          text: { type: "plain_text", text: button.text },
          ...(button.value === undefined ? {} : { value: button.value }),
          action_ts: actionTs,
        },
      ],
    });
  }

  /** Fills and submits a modal the app opened for this person. */
  async submit(view: PeerView, values: readonly ModalValue[]): Promise<PostOutcome> {
    const stateValues: Record<string, Record<string, unknown>> = {};
    for (const value of values) {
      const block = stateValues[value.block] ?? {};
      block[value.action] =
        "text" in value
          ? { type: "plain_text_input", value: value.text }
          : { type: "file_input", files: value.files.map((upload) => this.hostFile(upload)) };
      stateValues[value.block] = block;
    }
    const described = values.map((v) => ("text" in v ? `"${v.text}"` : v.files.map((f) => f.name).join(", ")));
    this.state.record({ side: "user", channel: "", user: this.id, what: `submits the modal: ${described.join(", ")}` });
    return await this.ingress.interaction({
      type: "view_submission",
      team: { id: this.state.teamId, domain: "famiglia-rossi" },
      user: { id: this.id, username: this.user.name, name: this.user.name, team_id: this.state.teamId },
      api_app_id: this.state.appId,
      token: "verification-token-unused",
      trigger_id: this.trigger(),
      view: {
        ...view.view,
        id: view.id,
        team_id: this.state.teamId,
        type: "modal",
        state: { values: stateValues },
        hash: `${view.id}.hash`,
        app_id: this.state.appId,
        bot_id: this.state.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
    });
  }

  /** Opens the app's Home tab (app_home_opened). */
  openHome(): string {
    this.state.record({ side: "user", channel: "", user: this.id, what: "opens the Home tab" });
    return this.ingress.event({
      type: "app_home_opened",
      user: this.id,
      channel: this.dmChannel()?.id ?? "",
      tab: "home",
    });
  }

  private appHears(channel: PeerChannel): boolean {
    return channel.kind === "im" || channel.members.has(this.state.botUserId);
  }

  private dmChannel(): PeerChannel | undefined {
    return [...this.state.channels.values()].find((c) => c.kind === "im" && c.members.has(this.id));
  }

  private hostFile(upload: Upload): Record<string, unknown> {
    const id = this.state.newId("F");
    const file = {
      id,
      name: upload.name,
      mimetype: upload.mimetype,
      filetype: upload.name.split(".").pop()?.toLowerCase() ?? "binary",
      bytes: upload.bytes,
      size: upload.announcedSize ?? upload.bytes.length,
      user: this.id,
      infoCalls: 0,
      downloads: 0,
      loginPages: 0,
    };
    this.state.files.set(id, file);
    return describeFile(file, this.state, this.baseUrl());
  }

  private responseUrl(channel: PeerChannel, messageTs?: string): string {
    const id = this.state.newId("R").replace(/[^A-Za-z0-9]/g, "");
    this.state.responseUrls.set(id, {
      id,
      channel: channel.id,
      user: this.id,
      createdAtMs: this.state.now(),
      uses: 0,
      ...(messageTs === undefined ? {} : { messageTs }),
    });
    return `${this.baseUrl()}/response/${id}`;
  }

  private trigger(): string {
    const id = `${Math.floor(this.state.now() / 1000)}.${this.state.newId("T")}`;
    this.state.triggers.set(id, { id, user: this.id, createdAtMs: this.state.now(), used: false });
    return id;
  }

  /** Slack shows a command's ack body to its author alone, and an error when the app did not ack in time. */
  private showAck(channel: PeerChannel, command: string, outcome: PostOutcome): void {
    const failed = outcome.status === undefined || outcome.status < 200 || outcome.status >= 300;
    if (failed) {
      const error = outcome.failure === "http_timeout" ? "operation_timeout" : "dispatch_failed";
      this.showToAuthor(channel, `${command} failed with the error "${error}"`, undefined);
      return;
    }
    if (outcome.body.trim() === "") return;
    let parsed: { text?: string; blocks?: unknown } = {};
    try {
      parsed = JSON.parse(outcome.body) as typeof parsed;
    } catch {
      parsed = { text: outcome.body };
    }
    this.showToAuthor(channel, parsed.text ?? "", parsed.blocks);
  }

  private showToAuthor(channel: PeerChannel, text: string, blocks: unknown): void {
    const seen = seenMessage(text, blocks, undefined);
    this.state.record({
      side: "bot",
      kind: "response",
      channel: channel.id,
      ts: this.state.newTs(),
      visibleTo: this.id,
      text: seen.text,
      fallback: text,
      buttons: seen.buttons,
    });
  }

  private log(channel: PeerChannel, what: string): void {
    this.state.record({ side: "user", channel: channel.id, user: this.id, what });
  }
}

function kb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}
