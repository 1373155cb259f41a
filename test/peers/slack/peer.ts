import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Faults } from "./faults.ts";
import { createPeerHandler } from "./http.ts";
import { Ingress } from "./ingress.ts";
import { PeerPerson } from "./person.ts";
import { SocketHub } from "./socket.ts";
import { type PeerChannel, type PeerMessage, PeerState, type PeerView, type TranscriptEntry } from "./state.ts";
import { formatTranscript } from "./transcript.ts";

export type { SeenButton, SeenMessage } from "./blocks.ts";
export type { Fault, FaultRule } from "./faults.ts";
export type { IngressDelivery, PostOutcome } from "./ingress.ts";
export type { ModalValue, Upload } from "./person.ts";
export { PeerPerson } from "./person.ts";
export type { ApiCall, PeerChannel, PeerFile, PeerMessage, PeerView, TranscriptEntry } from "./state.ts";

export interface SlackPeerOptions {
  /** The OAuth scopes granted to the app (default: all the manifest asks for). Leave out files:read to see the
   * login page Slack serves for private files. */
  readonly scopes?: readonly string[];
  /** How long the ingress waits for an acknowledgement (Slack: 3 s). */
  readonly ackTimeoutMs?: number;
  readonly retryDelaysMs?: readonly number[];
  /** Socket Mode is enabled for the app: apps.connections.open answers, and deliveries go over the socket once
   * the app is connected. */
  readonly socketMode?: boolean;
  readonly now?: () => number;
}

const ALL_SCOPES = [
  "commands",
  "chat:write",
  "files:read",
  "files:write",
  "users:read",
  "im:history",
  "channels:history",
  "groups:history",
];

/**
 * A local Slack for tests (platforms.md §3): the Web API (/api/<method>, form or JSON, Bearer), private file
 * URLs, response_urls, and an ingress that signs and posts events, slash commands and interactions to the
 * app's Request URL. People, channels and DMs are made here; what the app showed is in the transcript.
 */
export interface SlackPeer {
  /** What to give the WebClient as `slackApiUrl` (ends in "/api/"). */
  readonly apiUrl: string;
  readonly baseUrl: string;
  readonly token: string;
  /** The app-level token (xapp-…) Socket Mode connects with. */
  readonly appToken: string;
  readonly signingSecret: string;
  /** Socket Mode's side, when enabled. */
  readonly socket: SocketHub | undefined;
  readonly state: PeerState;
  readonly faults: Faults;
  readonly ingress: Ingress;
  /** A person of the workspace with a DM open with the app. */
  person(name: string, options?: { locale?: string }): PeerPerson;
  /** A channel with these people; the app is a member unless `withApp` is false. */
  channel(name: string, people: readonly PeerPerson[], options?: { withApp?: boolean }): PeerChannel;
  /** The DM between a person and the app. */
  dm(person: PeerPerson): PeerChannel;
  /** Messages the app posted in a channel, as they stand now (edits applied), oldest first. */
  botMessages(channel: PeerChannel): PeerMessage[];
  /** The modal open for a person (the latest one). */
  modalOf(person: PeerPerson): PeerView | undefined;
  homeOf(person: PeerPerson): PeerView | undefined;
  /** Resolves with the first transcript entry (from `since` on) that passes the test. */
  waitFor(
    test: (entry: TranscriptEntry) => boolean,
    options?: { timeoutMs?: number; since?: number },
  ): Promise<TranscriptEntry>;
  /** The transcript's latest sequence number, to wait for what comes after. */
  mark(): number;
  printTranscript(channel?: PeerChannel): string;
  stop(): Promise<void>;
}

export async function startSlackPeer(options: SlackPeerOptions = {}): Promise<SlackPeer> {
  const now = options.now ?? Date.now;
  // Shaped like Slack's credentials so that pagobot's settings validation accepts them; random, so never real.
  const token = `xoxb-${randomBytes(6).toString("hex")}-${randomBytes(6).toString("hex")}-${randomBytes(12).toString("base64url")}`;
  const signingSecret = randomBytes(16).toString("hex");
  const appToken = `xapp-1-A0PAGOBOT-${randomBytes(6).toString("hex")}-${randomBytes(16).toString("hex")}`;
  let socket: SocketHub | undefined;
  const state = new PeerState(token, now, new Set(options.scopes ?? ALL_SCOPES));
  const faults = new Faults();
  let baseUrl = "";
  const ingress = new Ingress(state, {
    signingSecret,
    ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
    ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
  });
  const handler = createPeerHandler(state, faults, () => baseUrl, { appToken, hub: () => socket });
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;
  if (options.socketMode === true) {
    socket = new SocketHub(state, server, () => baseUrl);
    ingress.socket = socket;
  }

  const dm = (person: PeerPerson): PeerChannel => {
    const found = [...state.channels.values()].find((c) => c.kind === "im" && c.members.has(person.id));
    if (found === undefined) throw new Error(`${person.user.name} has no DM with the app`);
    return found;
  };

  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    token,
    appToken,
    signingSecret,
    socket,
    state,
    faults,
    ingress,
    person(name, personOptions = {}) {
      const id = state.newId("U");
      const user = { id, name: name.toLowerCase(), realName: name, locale: personOptions.locale ?? "it-IT" };
      state.users.set(id, user);
      const im = state.newId("D");
      state.channels.set(im, { id: im, name: `DM ${name}`, kind: "im", members: new Set([id, state.botUserId]) });
      return new PeerPerson(state, ingress, () => baseUrl, user);
    },
    channel(name, people, channelOptions = {}) {
      const id = state.newId("C");
      const members = new Set(people.map((p) => p.id));
      if (channelOptions.withApp !== false) members.add(state.botUserId);
      const channel: PeerChannel = { id, name: `#${name}`, kind: "channel", members };
      state.channels.set(id, channel);
      return channel;
    },
    dm,
    botMessages(channel) {
      return [...state.messages.values()].filter((m) => m.channel === channel.id && m.fromBot);
    },
    modalOf(person) {
      return [...state.views.values()].filter((v) => v.type === "modal" && v.user === person.id).at(-1);
    },
    homeOf(person) {
      return [...state.views.values()].find((v) => v.type === "home" && v.user === person.id);
    },
    waitFor(test, waitOptions = {}) {
      const since = waitOptions.since ?? 0;
      const timeoutMs = waitOptions.timeoutMs ?? 10_000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = state.transcript.find((entry) => entry.seq > since && test(entry));
          if (found === undefined) return;
          clearTimeout(timer);
          state.off("transcript", check);
          resolve(found);
        };
        const timer = setTimeout(() => {
          state.off("transcript", check);
          reject(
            new Error(
              `nothing matched within ${timeoutMs} ms; transcript:\n${formatTranscript(state, state.transcript)}`,
            ),
          );
        }, timeoutMs);
        state.on("transcript", check);
        check();
      });
    },
    mark() {
      return state.transcript.at(-1)?.seq ?? 0;
    },
    printTranscript(channel) {
      const entries =
        channel === undefined
          ? state.transcript
          : state.transcript.filter(
              (e) => e.channel === channel.id || (e.channel === "" && e.side === "user" && channel.members.has(e.user)),
            );
      return formatTranscript(state, entries);
    },
    async stop() {
      ingress.stop();
      await ingress.settled();
      await socket?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
