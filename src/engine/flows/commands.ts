import { formatDay, formatMoney, italianDay } from "../../i18n/format.ts";
import { messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import { type EngineContext, makeButton, say } from "../context.ts";
import type { ChatRef, CommandName, EventAck, Sender } from "../events.ts";
import { chatKey, personKey } from "../ids.ts";
import { figuresOf } from "../payment-status.ts";
import { overviewOf, statusWord } from "../read-api.ts";
import { upsert } from "../upsert.ts";
import { familyCommand, householdOf, limitCommand } from "./family.ts";
import { householdHistory, householdPending } from "./family-lists.ts";
import { setAwaiting } from "./intake.ts";
import { startLink, unlink } from "./linking.ts";

/** /storico: one line per recent payment in this chat, newest first. */
async function history(ctx: EngineContext, chat: ChatRef, locale: Locale): Promise<string> {
  const m = messagesFor(locale);
  const ids = (await ctx.store.chats.get(chatKey(chat)))?.recent ?? [];
  const lines: string[] = [];
  for (const id of ids.slice(0, 10)) {
    const p = await ctx.store.payments.get(id);
    if (p === undefined) continue;
    const cents = p.form === null ? p.notice.amountCents : figuresOf(p.form).totalCents;
    lines.push(
      m.history.line(
        formatDay(italianDay(p.createdAt), locale),
        p.form?.payeeName ?? p.notice.fiscalCode,
        cents === null ? "—" : formatMoney(cents, locale),
        statusWord(p, m),
      ),
    );
  }
  return lines.length === 0 ? m.history.empty : [m.history.title, ...lines].join("\n");
}

/** /lista: the notices this person sent that are not over yet, from the read API. */
async function pendingList(ctx: EngineContext, chat: ChatRef, from: Sender, locale: Locale): Promise<string> {
  const m = messagesFor(locale);
  const { pending } = await overviewOf(ctx, { platform: chat.platform, userId: from.userId, locale });
  if (pending.length === 0) return m.list.empty;
  return [m.list.title, ...pending.map((item) => m.list.line(item.title, item.detail, item.status))].join("\n");
}

/** Sets a person's language (from /lingua's argument or its buttons) and answers in it. */
export async function setLanguage(ctx: EngineContext, chat: ChatRef, from: Sender, locale: Locale): Promise<void> {
  await upsert(
    ctx.store.people,
    personKey(chat.platform, from.userId),
    { locale: null, linked: null, waiting: [] },
    (p) => ({
      ...p,
      locale,
    }),
  );
  await say(ctx, chat, messagesFor(locale).language.set);
}

function languageFromArgs(args: string): Locale | null {
  const word = args.trim().toLowerCase();
  if (["it", "ita", "italiano", "italian"].includes(word)) return "it";
  if (["en", "eng", "english", "inglese"].includes(word)) return "en";
  return null;
}

/** Commands (their Italian and English names arrive already mapped to the same CommandName). */
export async function handleCommand(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  name: CommandName,
  args: string,
  locale: Locale,
  replyToUserId?: string,
): Promise<EventAck> {
  const m = messagesFor(locale);
  switch (name) {
    case "start": {
      const linked = (await ctx.store.people.get(personKey(chat.platform, from.userId)))?.linked;
      const extra = linked ? null : ctx.gateway.demoAccounts ? m.welcomeDemo : m.welcomeLive;
      await say(ctx, chat, [m.welcome(from.name), extra].filter((x) => x !== null).join("\n\n"));
      break;
    }
    case "help":
      await say(ctx, chat, m.help);
      break;
    case "link":
      await startLink(ctx, chat, from, locale);
      break;
    case "unlink":
      await unlink(ctx, chat, from, locale);
      break;
    case "language": {
      const chosen = languageFromArgs(args);
      if (chosen !== null) {
        await setLanguage(ctx, chat, from, chosen);
        break;
      }
      const buttons = [
        await makeButton(ctx, { action: "language", locale: "it" }, m.buttons.italian),
        await makeButton(ctx, { action: "language", locale: "en" }, m.buttons.english),
      ];
      await ctx.outbox.send({ chat, view: { type: "text", text: m.language.choose, buttons: [buttons] } });
      break;
    }
    case "cancel": {
      const awaiting = (await ctx.store.chats.get(chatKey(chat)))?.awaiting;
      if (awaiting?.userId === from.userId) {
        await setAwaiting(ctx, chat, null);
        await say(ctx, chat, m.questionDropped);
      } else {
        await say(ctx, chat, m.nothingToCancel);
      }
      break;
    }
    case "history": {
      const household = await householdOf(ctx, chat);
      if (household === undefined) await say(ctx, chat, await history(ctx, chat, locale));
      else await householdHistory(ctx, chat, locale);
      break;
    }
    case "list": {
      const household = await householdOf(ctx, chat);
      if (household !== undefined) await householdPending(ctx, chat, locale);
      else await say(ctx, chat, await pendingList(ctx, chat, from, locale));
      break;
    }
    case "family":
      await familyCommand(ctx, chat, from, args, locale);
      break;
    case "limit":
      await limitCommand(ctx, chat, from, args, locale, replyToUserId ?? null);
      break;
  }
  return {};
}
