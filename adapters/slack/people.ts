import type { webApi } from "@slack/bolt";
import type { Sender } from "../../src/engine/events.ts";
import type { Logger } from "../../src/log/logger.ts";

/** How long a person's name and locale are trusted before users.info is asked again. */
const TTL_MS = 10 * 60_000;
/** Bounded, so that a huge workspace cannot grow it without end. */
const MAX_ENTRIES = 5_000;

/**
 * Who a Slack user is, for the engine: a display name and the locale Slack reports (users.info with
 * include_locale), cached. A failed lookup still gives a Sender (the id, or the name the payload carried).
 */
export function createPeopleDirectory(client: webApi.WebClient, logger: Logger) {
  const cache = new Map<string, { sender: Sender; at: number }>();
  return {
    async sender(userId: string, fallbackName?: string): Promise<Sender> {
      const hit = cache.get(userId);
      if (hit !== undefined && Date.now() - hit.at < TTL_MS) return hit.sender;
      try {
        const { user } = await client.users.info({ user: userId, include_locale: true });
        // The name written in pagobot's sentences ("Serve l'approvazione di Anna Rossi"): the person's real name
        // reads as a name; a display name is often a handle ("anna.r"). The display name when no real name is set.
        const name =
          user?.real_name ||
          user?.profile?.real_name ||
          user?.profile?.display_name ||
          user?.name ||
          fallbackName ||
          userId;
        const sender: Sender = { userId, name, ...(user?.locale === undefined ? {} : { locale: user.locale }) };
        if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
        cache.set(userId, { sender, at: Date.now() });
        return sender;
      } catch (error) {
        logger.warn("slack users.info failed; using the id as the name", { userId, error });
        return { userId, name: fallbackName ?? userId };
      }
    },
  };
}

export type PeopleDirectory = ReturnType<typeof createPeopleDirectory>;
