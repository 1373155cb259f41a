import type { ChatPort } from "../../src/engine/ports.ts";
import { ChatDeliveryError } from "../../src/engine/ports.ts";
import type { ChatHub } from "./chat-hub.ts";

/** The engine's way into the playground: every view lands in the hub, which pushes it to the open pages. */
export function createPlaygroundPort(hub: ChatHub): ChatPort {
  return {
    platform: "playground",
    async deliver(to, view, options = {}) {
      // The engine routes by platform; a foreign chat here is a wiring bug, and retrying cannot fix it.
      if (to.platform !== "playground") throw new ChatDeliveryError(`not a playground chat: ${to.platform}`, true);
      await hub.ready(to.chatId);
      return { messageId: hub.postBot(to.chatId, view, options) };
    },
    async showActivity(to) {
      hub.activity(to.chatId);
    },
  };
}
