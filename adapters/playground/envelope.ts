import { z } from "zod";
import type { ChatRef, Sender } from "../../src/engine/events.ts";

// Ids come from the page (its random session id, with a suffix per chat and per person).
const idSchema = z.string().regex(/^[A-Za-z0-9_.-]{1,80}$/, "must be 1-80 of A-Z a-z 0-9 _ . -");

/** A display name: control characters dropped, 1-60 characters; the page escapes it when showing it. */
const nameSchema = z
  .string()
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  .transform((name) => name.replace(/[\u0000-\u001f\u007f]/g, "").trim())
  .pipe(z.string().min(1).max(60));

/** Who says something in which chat: the part every request from the page carries. */
export const envelopeSchema = z.object({
  chatId: idSchema,
  kind: z.enum(["private", "group"]),
  userId: idSchema,
  name: nameSchema,
  locale: z
    .string()
    .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/)
    .max(35)
    .optional(),
  /** A page-made id per action, so that a retried request is recognised by the engine as the same event. */
  eventId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/)
    .optional(),
  replyTo: idSchema.optional(),
});

export type Envelope = z.infer<typeof envelopeSchema>;

/** The engine's view of the envelope: chat, sender and the common event fields. */
export function eventBase(envelope: Envelope): {
  chat: ChatRef;
  from: Sender;
  eventId?: string;
  replyTo?: string;
} {
  const from: Sender = {
    userId: envelope.userId,
    name: envelope.name,
    ...(envelope.locale === undefined ? {} : { locale: envelope.locale }),
  };
  return {
    chat: { platform: "playground", chatId: envelope.chatId, kind: envelope.kind },
    from,
    // Scoped to the chat, so one page's ids can never swallow another chat's events.
    ...(envelope.eventId === undefined ? {} : { eventId: `${envelope.chatId}:${envelope.eventId}` }),
    ...(envelope.replyTo === undefined ? {} : { replyTo: envelope.replyTo }),
  };
}
