import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { isValidSlackRequest } from "@slack/bolt";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type SlackPeer, startSlackPeer } from "./peer.ts";

/** A stand-in for the app's Request URL: records what the peer posts and answers as told. */
interface Received {
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
}

describe("the local Slack peer", () => {
  let peer: SlackPeer;
  let app: Server;
  const received: Received[] = [];
  let answer: (req: IncomingMessage) => { status: number; delayMs?: number } = () => ({ status: 200 });

  beforeAll(async () => {
    peer = await startSlackPeer({ ackTimeoutMs: 300, retryDelaysMs: [10, 10, 10] });
    app = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const { status, delayMs } = answer(req);
      if (delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (!res.destroyed) res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    peer.ingress.target = `http://127.0.0.1:${(app.address() as AddressInfo).port}/slack/events`;
  });
  afterEach(() => {
    received.length = 0;
    answer = () => ({ status: 200 });
    peer.faults.clear();
  });
  afterAll(async () => {
    await peer.stop();
    app.closeAllConnections();
    await new Promise<void>((resolve) => app.close(() => resolve()));
  });

  const call = (method: string, body: Record<string, unknown>, token: string | null = peer.token) =>
    fetch(`${peer.apiUrl}${method}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });

  it("signs every request so that Bolt's own check accepts it", async () => {
    const person = peer.person("Ada");
    person.say(peer.dm(person), "ciao");
    await peer.ingress.settled();
    const [request] = received;
    if (request === undefined) throw new Error("nothing posted");
    const headers = {
      "x-slack-signature": String(request.headers["x-slack-signature"]),
      "x-slack-request-timestamp": Number(request.headers["x-slack-request-timestamp"]),
    };
    expect(isValidSlackRequest({ signingSecret: peer.signingSecret, body: request.body, headers })).toBe(true);
    expect(isValidSlackRequest({ signingSecret: "another", body: request.body, headers })).toBe(false);
    expect(JSON.parse(request.body)).toMatchObject({
      type: "event_callback",
      event: { type: "message", text: "ciao" },
    });
  });

  it("delivers an event again, with X-Slack-Retry-Num and the same event_id, until it is acked", async () => {
    let attempts = 0;
    answer = () => {
      attempts += 1;
      return attempts === 1 ? { status: 200, delayMs: 600 } : attempts === 2 ? { status: 500 } : { status: 200 };
    };
    const person = peer.person("Bea");
    const { eventId } = person.say(peer.dm(person), "ciao");
    await peer.ingress.settled();
    const bodies = received.map((r) => JSON.parse(r.body) as { event_id: string });
    expect(bodies.map((b) => b.event_id)).toEqual([eventId, eventId, eventId]);
    expect(received.map((r) => [r.headers["x-slack-retry-num"], r.headers["x-slack-retry-reason"]])).toEqual([
      [undefined, undefined],
      ["1", "http_timeout"],
      ["2", "http_error"],
    ]);
  });

  it("posts slash commands form-encoded and interactions as payload=<JSON>", async () => {
    const person = peer.person("Carla");
    const dm = peer.dm(person);
    await person.slash(dm, "aiuto");
    const command = new URLSearchParams(received[0]?.body);
    expect(command.get("command")).toBe("/paga");
    expect(command.get("text")).toBe("aiuto");
    expect(command.get("response_url")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\//);
    const posted = await call("chat.postMessage", {
      channel: dm.id,
      text: "card",
      blocks: [
        {
          type: "actions",
          elements: [{ type: "button", action_id: "a", value: "ref", text: { type: "plain_text", text: "Paga" } }],
        },
      ],
    });
    const { ts } = (await posted.json()) as { ts: string };
    await person.press(dm, peer.state.message(dm.id, ts) ?? ({} as never), "Paga");
    const payload = JSON.parse(new URLSearchParams(received[1]?.body).get("payload") ?? "{}");
    expect(payload).toMatchObject({
      type: "block_actions",
      actions: [{ action_id: "a", value: "ref" }],
      message: { ts },
    });
  });

  it("demands the bot token, and serves private files only to it (the sign-in page otherwise)", async () => {
    expect(await (await call("auth.test", {}, null)).json()).toEqual({ ok: false, error: "not_authed" });
    expect(await (await call("auth.test", {}, "xoxb-wrong")).json()).toEqual({ ok: false, error: "invalid_auth" });
    expect(await (await call("auth.test", {})).json()).toMatchObject({ ok: true, user_id: peer.state.botUserId });
    const person = peer.person("Dario");
    person.share(peer.dm(person), [{ bytes: new Uint8Array([1, 2]), name: "a.png", mimetype: "image/png" }]);
    const file = [...peer.state.files.values()].at(-1);
    const url = `${peer.baseUrl}/files-pri/${peer.state.teamId}-${file?.id}/a.png`;
    const anonymous = await fetch(url);
    expect(anonymous.headers.get("content-type")).toContain("text/html");
    expect(await anonymous.text()).toContain("Sign in");
    const authorised = await fetch(url, { headers: { authorization: `Bearer ${peer.token}` } });
    expect(new Uint8Array(await authorised.arrayBuffer())).toEqual(new Uint8Array([1, 2]));
  });

  it("answers faults: ok:false, 429 with Retry-After, slow answers", async () => {
    const person = peer.person("Elsa");
    const dm = peer.dm(person);
    peer.faults.add({ method: "chat.postMessage", fault: { kind: "error", error: "channel_not_found" }, times: 1 });
    peer.faults.add({ method: "chat.postMessage", fault: { kind: "rate-limit", retryAfterS: 3 }, times: 1 });
    peer.faults.add({ method: "chat.postMessage", fault: { kind: "delay", ms: 200 }, times: 1 });
    expect(await (await call("chat.postMessage", { channel: dm.id, text: "x" })).json()).toEqual({
      ok: false,
      error: "channel_not_found",
    });
    const limited = await call("chat.postMessage", { channel: dm.id, text: "x" });
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "3"]);
    const started = Date.now();
    expect((await call("chat.postMessage", { channel: dm.id, text: "x" })).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it("keeps Slack's rules: no posting where the app is not, no editing ephemerals, no modal without a valid trigger_id", async () => {
    const person = peer.person("Fabio");
    const outside = peer.channel("random", [person], { withApp: false });
    expect(await (await call("chat.postMessage", { channel: outside.id, text: "x" })).json()).toEqual({
      ok: false,
      error: "not_in_channel",
    });
    const dm = peer.dm(person);
    const ephemeral = (await (
      await call("chat.postEphemeral", { channel: dm.id, user: person.id, text: "x" })
    ).json()) as {
      message_ts: string;
    };
    expect(await (await call("chat.update", { channel: dm.id, ts: ephemeral.message_ts, text: "y" })).json()).toEqual({
      ok: false,
      error: "message_not_found",
    });
    const view = { type: "modal", title: { type: "plain_text", text: "t" }, blocks: [] };
    expect(await (await call("views.open", { trigger_id: "nope", view })).json()).toEqual({
      ok: false,
      error: "invalid_trigger_id",
    });
  });

  it("lets a response_url answer five times", async () => {
    const person = peer.person("Gino");
    await person.slash(peer.dm(person), "");
    const url = new URLSearchParams(received[0]?.body).get("response_url") ?? "";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '{"text":"x"}',
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });
});
