import type { ServerResponse } from "node:http";
import { z } from "zod";
import type { Engine } from "../../src/engine/api.ts";
import type { CommandName, EventAck } from "../../src/engine/events.ts";
import type { PersonContent } from "./chat-entry.ts";
import type { ChatHub } from "./chat-hub.ts";
import { parseCommand } from "./commands.ts";
import { envelopeSchema, eventBase } from "./envelope.ts";
import { PlaygroundError } from "./errors.ts";
import { openEventStream } from "./event-stream.ts";
import type { PeopleDirectory } from "./people.ts";
import { readJson } from "./read-body.ts";
import { type Route, sendJson } from "./respond.ts";
import { receiveUpload } from "./upload.ts";
import type { UploadSlots } from "./upload-slots.ts";

const commandNames = [
  "start",
  "help",
  "link",
  "unlink",
  "language",
  "cancel",
  "history",
] as const satisfies readonly CommandName[];

const messageSchema = envelopeSchema.extend({ text: z.string().trim().min(1).max(4000) });
const commandSchema = envelopeSchema.extend({ command: z.enum(commandNames), args: z.string().max(200).default("") });
const buttonSchema = envelopeSchema.extend({
  ref: z.string().min(1).max(64),
  messageId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
});

export interface ChatRouteDeps {
  readonly engine: Engine;
  readonly hub: ChatHub;
  readonly maxUploadBytes: number;
  readonly people: PeopleDirectory;
  readonly uploads: UploadSlots;
}

/**
 * The chat's HTTP side: a server-sent-events stream per chat, and one POST per thing a person does (text,
 * command, button, file). Each POST becomes one engine event; the answer is the engine's ack (a toast).
 */
export function createChatRoutes({ engine, hub, maxUploadBytes, people, uploads }: ChatRouteDeps): Route[] {
  /** Shows what a person did in the chat (its transcript read first), and remembers who they are. */
  const showPerson = async (chatId: string, from: { userId: string; name: string }, content: PersonContent) => {
    people.remember(from.userId, from.name);
    await hub.ready(chatId);
    hub.postPerson(chatId, from, content);
  };
  return [
    {
      method: "GET",
      path: /^\/api\/config$/,
      handle(_req, res) {
        sendJson(res, 200, { maxUploadBytes });
      },
    },
    {
      method: "GET",
      path: /^\/api\/events$/,
      async handle(req, res, _match, url) {
        const chatId = envelopeSchema.shape.chatId.safeParse(url.searchParams.get("chatId"));
        if (!chatId.success) throw new PlaygroundError("bad_request", "chatId is missing or malformed");
        await hub.ready(chatId.data);
        const stream = openEventStream(req, res);
        const unsubscribe = hub.subscribe(chatId.data, (event) => stream.send(event.type, event));
        stream.onClose(unsubscribe);
      },
    },
    {
      method: "POST",
      path: /^\/api\/messages$/,
      async handle(req, res) {
        const body = await readJson(req, messageSchema);
        const base = eventBase(body);
        await showPerson(body.chatId, base.from, { text: body.text });
        const command = parseCommand(body.text);
        const ack = await engine.handle(
          command === undefined ? { ...base, type: "text", text: body.text } : { ...base, type: "command", ...command },
        );
        sendAck(res, ack);
      },
    },
    {
      method: "POST",
      path: /^\/api\/commands$/,
      async handle(req, res) {
        const body = await readJson(req, commandSchema);
        const base = eventBase(body);
        // Shown as typed, like a chat app shows the command it sent (the language switch sends /language en).
        await showPerson(body.chatId, base.from, {
          text: `/${body.command}${body.args === "" ? "" : ` ${body.args}`}`,
        });
        sendAck(res, await engine.handle({ ...base, type: "command", name: body.command, args: body.args }));
      },
    },
    {
      method: "POST",
      path: /^\/api\/buttons$/,
      async handle(req, res) {
        const body = await readJson(req, buttonSchema);
        sendAck(
          res,
          await engine.handle({ ...eventBase(body), type: "button", ref: body.ref, messageId: body.messageId }),
        );
      },
    },
    {
      method: "POST",
      path: /^\/api\/files$/,
      async handle(req, res, _match, url) {
        // The page always names the file in this header. A custom header cannot be sent cross-site without a
        // CORS preflight (which this server never grants), so a hostile page cannot post files as the person.
        if (req.headers["x-file-name"] === undefined) {
          throw new PlaygroundError("unsupported_media_type", "an upload carries its X-File-Name header");
        }
        const envelope = envelopeSchema.safeParse(Object.fromEntries(url.searchParams));
        if (!envelope.success) throw new PlaygroundError("bad_request", "chat or sender is missing or malformed");
        const release = uploads.take(req.socket.remoteAddress ?? "unknown");
        let upload: Awaited<ReturnType<typeof receiveUpload>>;
        let ack: EventAck;
        const base = eventBase(envelope.data);
        try {
          upload = await receiveUpload(req, maxUploadBytes);
          await showPerson(envelope.data.chatId, base.from, { file: upload.shown });
          ack = await engine.handle({ ...base, type: "files", files: [upload.file] });
        } finally {
          release();
        }
        if (!upload.oversized) return sendAck(res, ack);
        // The body was never read: "connection: close" makes Node close the socket rather than drain megabytes.
        sendJson(res, 413, { error: "upload_too_large", maxUploadBytes, ...ack }, { connection: "close" });
      },
    },
  ];
}

function sendAck(res: ServerResponse, ack: EventAck): void {
  sendJson(res, 200, { ok: true, ...ack });
}
