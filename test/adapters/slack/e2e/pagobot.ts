import { type SlackPeer, type SlackPeerOptions, startSlackPeer } from "../../../peers/slack/peer.ts";
import { type PagobotProcess, startPagobot } from "../../telegram/e2e/pagobot-process.ts";

export interface SlackEndToEnd {
  readonly peer: SlackPeer;
  readonly pagobot: PagobotProcess;
  /** The embedded DropPay sandbox pagobot started (its admin API counts dispositions). */
  readonly sandboxUrl: string;
}

/**
 * Starts the Slack peer and pagobot as a person starts it (`npm start`'s entry point) with the Slack settings
 * pointed at the peer, then points the peer's ingress at pagobot's /slack/events. With `socketMode`, pagobot gets
 * the app-level token too and connects to the peer's Socket Mode; deliveries then go over that connection.
 */
export async function startSlackEndToEnd(peerOptions: SlackPeerOptions = {}): Promise<SlackEndToEnd> {
  const peer = await startSlackPeer(peerOptions);
  const pagobot = await startPagobot({
    ...(peerOptions.socketMode === true ? { SLACK_APP_TOKEN: peer.appToken } : {}),
    SLACK_BOT_TOKEN: peer.token,
    SLACK_SIGNING_SECRET: peer.signingSecret,
    SLACK_API_URL: peer.apiUrl,
    STORE_URL: "memory://",
    PORT: "0",
    PLAYGROUND: "off",
    LOG_LEVEL: "info",
  });
  // In Socket Mode there is no Request URL: a delivery that missed the socket would fail, not sneak in over HTTP.
  if (peerOptions.socketMode !== true) peer.ingress.target = `${pagobot.url}/slack/events`;
  const up = pagobot.logs.map(parse).find((entry) => entry?.msg === "pagobot is up");
  const sandboxUrl = /sandbox at (\S+)/.exec(String(up?.droppay ?? ""))?.[1];
  if (sandboxUrl === undefined) throw new Error("pagobot did not say where its sandbox is");
  return { peer, pagobot, sandboxUrl };
}

/** How many dispositions (payment executions) the sandbox has received so far. */
export async function dispositions(sandboxUrl: string): Promise<number> {
  const response = await fetch(`${sandboxUrl}/sandbox/v1/calls`);
  const body = (await response.json()) as { byRoute?: { disposition?: number } };
  return body.byRoute?.disposition ?? 0;
}

function parse(line: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
