import { messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import { type EngineContext, say, slots } from "../context.ts";
import { errorText } from "../error-to-view.ts";
import type { ChatRef, Sender } from "../events.ts";
import { PspError } from "../gateway-port.ts";
import { newId, personKey } from "../ids.ts";
import { flowLease } from "../lease.ts";
import { transition } from "../payment-machine.ts";
import type { PersonRecord } from "../records.ts";
import { upsert } from "../upsert.ts";
import { watch } from "./apply-status.ts";
import { createForm } from "./open-payment.ts";
import type { RefreshOutcome } from "./refresh-payment.ts";

const NEW_PERSON: PersonRecord = { locale: null, linked: null, waiting: [] };

/** How soon a pending Connection is first read (the webhook usually comes first). */
const FIRST_LINK_CHECK_MS = 5_000;

/**
 * `/collega`: starts DropPay's Connection flow and sends its sharing link as a button. The grant arrives by
 * webhook (or the reconciler's read); the person's credential stays inside the gateway, sealed.
 */
export async function startLink(ctx: EngineContext, chat: ChatRef, from: Sender, locale: Locale): Promise<void> {
  const m = messagesFor(locale);
  const key = personKey(chat.platform, from.userId);
  if ((await ctx.store.people.get(key))?.linked) return say(ctx, chat, m.link.already);
  const linkId = newId();
  try {
    const url = await ctx.webhooks.forLink(linkId);
    const started = await ctx.gateway.startLink(key, url);
    const now = ctx.clock.now();
    await ctx.store.linkRequests.put(linkId, {
      requestId: started.requestId,
      personKey: key,
      chat,
      userId: from.userId,
      createdAt: now,
    });
    await ctx.store.schedule.put(`link:${linkId}`, {
      kind: "link",
      id: linkId,
      dueAt: now + FIRST_LINK_CHECK_MS,
      attempt: 0,
      since: now,
    });
    const text = ctx.gateway.demoAccounts ? m.link.introSandbox : m.link.intro;
    await ctx.outbox.send({
      chat,
      view: { type: "text", text, buttons: [[{ label: m.buttons.link, url: started.url }]] },
    });
  } catch (error) {
    await say(ctx, chat, errorText(error, m));
  }
}

/** Reads a pending Connection; once granted, the person is linked and the notices they sent are shown. */
export async function refreshLink(ctx: EngineContext, linkId: string): Promise<RefreshOutcome> {
  const request = await ctx.store.linkRequests.get(linkId);
  if (request === undefined) return "settled";
  let state: Awaited<ReturnType<typeof ctx.gateway.checkLink>>;
  try {
    state = await ctx.gateway.checkLink(request.personKey, request.requestId);
  } catch (error) {
    ctx.logger.warn("could not read a connection", { linkId, error });
    return "open";
  }
  if (state.state === "pending") return "open";
  // Exactly one reader (webhook, reconciler, another replica) gets to announce the outcome.
  if (!(await ctx.store.linkRequests.deleteIf(linkId, () => true))) return "settled";
  await ctx.store.schedule.delete(`link:${linkId}`);
  const person = await ctx.store.people.get(request.personKey);
  const locale: Locale = person?.locale ?? ctx.defaultLocale;
  const m = messagesFor(locale);
  if (state.state === "refused") {
    await say(ctx, request.chat, m.link.refused);
    return "settled";
  }
  // The notices kept for this link are taken in the same atomic change that links the person.
  let waiting: readonly string[] = [];
  await upsert(ctx.store.people, request.personKey, NEW_PERSON, (p) => {
    waiting = p.waiting;
    return { ...p, linked: { since: ctx.clock.now(), accountName: state.accountName }, waiting: [] };
  });
  await say(ctx, request.chat, state.accountName ? m.link.linked(state.accountName) : m.link.linkedNoName);
  if (waiting.length > 0) await say(ctx, request.chat, m.link.resumed(waiting.length));
  for (const paymentId of waiting) {
    // Under the payment's flow lease: were this process to die in the create, recovery takes it over.
    await ctx.leases.under(flowLease(paymentId), async () => {
      const resumed = await transition(ctx, paymentId, (cur) =>
        cur.phase === "awaiting_link"
          ? {
              ...cur,
              phase: "creating",
              payer: { kind: "linked", personKey: request.personKey },
              cardSlot: slots.card(paymentId),
            }
          : undefined,
      );
      if (!resumed.applied) return;
      await watch(ctx, paymentId, ctx.timing.firstCheckMs);
      await createForm(ctx, paymentId);
    });
  }
  return "settled";
}

/**
 * `/scollega`: the gateway forgets the credential (every replica at once) and revokes the Connection at DropPay;
 * payments already under way keep being followed. When DropPay refuses the revocation, the person is unlinked here
 * all the same and told to revoke access in the DropPay app too.
 */
export async function unlink(ctx: EngineContext, chat: ChatRef, from: Sender, locale: Locale): Promise<void> {
  const m = messagesFor(locale);
  const key = personKey(chat.platform, from.userId);
  const person = await ctx.store.people.get(key);
  if (!person?.linked) return say(ctx, chat, m.link.notLinked);
  let refused: unknown = null;
  try {
    await ctx.gateway.unlink(key);
  } catch (error) {
    if (!(error instanceof PspError && error.code === "psp_revoke_refused")) throw error;
    refused = error;
  }
  await ctx.store.people.update(key, (p) => ({ ...p, linked: null }));
  await say(ctx, chat, refused === null ? m.link.unlinked : `${m.link.unlinked}\n${errorText(refused, m)}`);
}
