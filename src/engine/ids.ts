import { randomBytes } from "node:crypto";
import type { ChatRef, Platform } from "./events.ts";

/** A new random id (payments, buttons, links): 16 base32-ish characters, unguessable and short for buttons. */
export function newId(): string {
  return randomBytes(10).toString("base64url").replace(/[-_]/g, "x").slice(0, 14).toLowerCase();
}

/** The key of a chat: `platform:chatId`. */
export function chatKey(chat: ChatRef): string {
  return `${chat.platform}:${chat.chatId}`;
}

/** The key of a person: `platform:userId` (a person is per platform; linking is per person). */
export function personKey(platform: Platform, userId: string): string {
  return `${platform}:${userId}`;
}

/**
 * The key an event is marked seen under once handled (`platform:eventId`): a redelivery with it is ignored. The
 * inbox reads it too, to know what a dead process finished.
 */
export function seenKeyOf(event: { readonly chat: { readonly platform: Platform }; readonly eventId: string }): string {
  return `${event.chat.platform}:${event.eventId}`;
}

/** One open payment per notice per chat: the key of that rule. */
export function openNoticeKey(chat: ChatRef, rptId: string): string {
  return `${chatKey(chat)}|${rptId}`;
}
