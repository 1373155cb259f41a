import type { Locale } from "../notice/money.ts";
import { en } from "./en.ts";
import { it, type Messages } from "./it.ts";

export type { Messages } from "./it.ts";

const catalogues: Record<Locale, Messages> = { it, en };

/** The messages of a language. */
export function messagesFor(locale: Locale): Messages {
  return catalogues[locale];
}

/**
 * The language for a platform's locale tag ("it", "it-IT", "en-GB"): Italian for Italian tags, English for any
 * other language (a person whose phone is in German reads English more likely than Italian), and the default
 * when the platform sends none.
 */
export function localeFromTag(tag: string | undefined, fallback: Locale): Locale {
  if (tag === undefined || tag.trim() === "") return fallback;
  return tag.trim().toLowerCase().startsWith("it") ? "it" : "en";
}

/** Both languages' names of the same command ("collega" and "link"), for adapters that parse "/…" text. */
export const commandWords: readonly { readonly word: string; readonly command: keyof Messages["commands"] }[] = (
  Object.keys(it.commands) as (keyof Messages["commands"])[]
).flatMap((command) => [
  { word: it.commands[command], command },
  { word: en.commands[command], command },
]);
