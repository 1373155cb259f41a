// Telegram's side of webhook mode for benches with several replicas: the people's updates (texts, photos, button
// presses made on the Telegram peer) posted to the replicas' /telegram/hook, each to the next replica in turn, up
// to 40 at once as Telegram does (setWebhook's max_connections defaults to 40). The peer's own webhook sender posts
// one update at a time, in order; that is right for its tests but would make a bench's setup, or 50 people sending
// photos at once, a queue of one. Not a product path: replicas see the same posts a balancer would pass on.
import { Agent, request } from "node:http";
import type { Update } from "telegraf/types";
import type { TelegramPeer } from "../../test/peers/telegram/peer.ts";

export interface TelegramFanout {
  /** Updates each replica answered 2xx, by hook URL. */
  readonly served: Map<string, number>;
  stop(): void;
}

const MAX_CONNECTIONS = 40;
const RETRY_MS = 200;

/**
 * Takes over the peer's update delivery (its sender stops; call before the replicas register their webhook) and
 * posts each pending update to `hooks` in turn with `secret`; a failed or non-2xx post goes to the next one later.
 */
export function fanOutUpdates(peer: TelegramPeer, hooks: readonly string[], secret: string): TelegramFanout {
  peer.webhook.stop();
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_CONNECTIONS });
  const served = new Map<string, number>();
  const taken = new Set<number>();
  let inFlight = 0;
  let turn = 0;
  let stopped = false;

  const postTo = (hook: string, update: Update) =>
    new Promise<number>((resolve) => {
      const req = request(
        hook,
        {
          method: "POST",
          agent,
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", () => resolve(0));
        },
      );
      req.on("error", () => resolve(0));
      req.end(JSON.stringify(update));
    });

  const pump = () => {
    while (!stopped && inFlight < MAX_CONNECTIONS) {
      const update = peer.state.pending.find((u) => !taken.has(u.update_id));
      if (update === undefined) return;
      taken.add(update.update_id);
      inFlight++;
      const hook = hooks[turn++ % hooks.length] as string;
      void postTo(hook, update).then((status) => {
        inFlight--;
        if (status >= 200 && status < 300) {
          peer.state.confirm(update.update_id);
          served.set(hook, (served.get(hook) ?? 0) + 1);
          taken.delete(update.update_id);
          pump();
        } else {
          setTimeout(() => {
            taken.delete(update.update_id);
            pump();
          }, RETRY_MS);
        }
      });
    }
  };
  peer.state.on("update", pump);
  return {
    served,
    stop() {
      stopped = true;
      peer.state.off("update", pump);
      agent.destroy();
    },
  };
}
