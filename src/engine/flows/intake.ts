import { messagesFor } from "../../i18n/t.ts";
import type { Locale } from "../../notice/money.ts";
import type { PaymentNotice } from "../../notice/notice.ts";
import { buildNotice } from "../../notice/notice.ts";
import { readNoticeInput } from "../../notice/read-input.ts";
import { type EngineContext, makeButton, say, slots, toPerson } from "../context.ts";
import { errorText, noticeErrorText } from "../error-to-view.ts";
import type { ChatRef, IncomingFile, Sender } from "../events.ts";
import { chatKey, newId } from "../ids.ts";
import { FileAccessError, FileTooLargeError } from "../ports.ts";
import type { Awaiting, NoticeRef } from "../records.ts";
import { requestLogger } from "../request-log.ts";
import { ScanFailure } from "../scanner-port.ts";
import { upsert } from "../upsert.ts";
import { choiceView } from "./choices.ts";
import { answerScheduleDate } from "./manage-payment.ts";
import { openPayment } from "./open-payment.ts";
import { type DueDateSource, readDueDate } from "./read-due-date.ts";
import { answerDueDate } from "./reminders.ts";

/** The engine's hold of a notice: its codes, the QR text when it came from one, and the printed amount. */
export function noticeRef(notice: PaymentNotice): NoticeRef {
  return {
    noticeNumber: notice.noticeNumber,
    fiscalCode: notice.fiscalCode,
    rptId: notice.rptId,
    qrText: notice.qrText,
    amountCents: notice.amountCents,
  };
}

/** Records what the bot waits for in a chat (or nothing). */
export async function setAwaiting(ctx: EngineContext, chat: ChatRef, awaiting: Awaiting | null): Promise<void> {
  await upsert(ctx.store.chats, chatKey(chat), { awaiting: null, recent: [] }, (c) => ({ ...c, awaiting }));
}

/** Opens a payment for a notice, with "preparing…" shown at once and replaced by the card. */
async function openWithProgress(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  locale: Locale,
  notice: PaymentNotice,
  ref: string,
  text?: string,
) {
  const slot = slots.progress(ref);
  await say(ctx, chat, messagesFor(locale).preparing, { slot });
  await openPayment(ctx, {
    chat,
    from,
    locale,
    notice: noticeRef(notice),
    slot,
    ...(text === undefined ? {} : { text }),
  });
}

/**
 * Text in a chat: the answer to what the bot asked (a day, the missing code), or codes (a QR text, a notice
 * number with a payee code, a pasted message). Half a notice makes the bot ask for the other half. `ref` names
 * its progress message (the event's, so that a redelivery done again edits the same message).
 */
export async function handleText(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  text: string,
  locale: Locale,
  ref: string = newId(),
) {
  const m = messagesFor(locale);
  const awaiting = (await ctx.store.chats.get(chatKey(chat)))?.awaiting ?? null;
  if (awaiting !== null && awaiting.userId === from.userId) {
    if (awaiting.kind === "schedule_date") {
      // A whole notice instead of a day: the person moved on; the question is dropped.
      const notice = readNoticeInput(text);
      if (!notice.ok || notice.value.notice === null) return answerScheduleDate(ctx, awaiting.paymentId, text, from);
      await setAwaiting(ctx, chat, null);
      return openWithProgress(ctx, chat, from, locale, notice.value.notice, ref);
    }
    if (awaiting.kind === "due_date") {
      // As for a date to schedule: a whole notice instead means the person moved on.
      const notice = readNoticeInput(text);
      if (!notice.ok || notice.value.notice === null) return answerDueDate(ctx, awaiting.paymentId, text, from);
      await setAwaiting(ctx, chat, null);
      return openWithProgress(ctx, chat, from, locale, notice.value.notice, ref);
    }
    if (awaiting.kind === "fiscal_code" || awaiting.kind === "notice_number") {
      const part = readNoticeInput(text, awaiting.kind === "fiscal_code" ? "fiscal-code" : "notice-number");
      if (part.ok) {
        const built = buildNotice({
          source: "text",
          noticeNumber: awaiting.kind === "fiscal_code" ? awaiting.noticeNumber : (part.value.noticeNumber ?? ""),
          fiscalCode: awaiting.kind === "fiscal_code" ? (part.value.fiscalCode ?? "") : awaiting.fiscalCode,
          amountCents: null,
        });
        if (built.ok) {
          await setAwaiting(ctx, chat, null);
          return openWithProgress(ctx, chat, from, locale, built.value, ref);
        }
      }
    }
  }
  const read = readNoticeInput(text);
  if (!read.ok) {
    if (awaiting?.userId === from.userId && awaiting.kind === "fiscal_code")
      return say(ctx, chat, m.errors.fiscalCodeFormat);
    if (awaiting?.userId === from.userId && awaiting.kind === "notice_number")
      return say(ctx, chat, m.errors.noticeNumberFormat);
    return say(ctx, chat, /\d{5}/.test(text) ? noticeErrorText(read.error.code, m) : m.notUnderstood);
  }
  const input = read.value;
  if (input.notice !== null) {
    if (awaiting?.userId === from.userId) await setAwaiting(ctx, chat, null);
    return openWithProgress(ctx, chat, from, locale, input.notice, ref, text);
  }
  if (input.noticeNumber !== null) {
    await setAwaiting(ctx, chat, { kind: "fiscal_code", userId: from.userId, noticeNumber: input.noticeNumber });
    return say(ctx, chat, m.askFiscalCode);
  }
  if (input.fiscalCode !== null) {
    await setAwaiting(ctx, chat, { kind: "notice_number", userId: from.userId, fiscalCode: input.fiscalCode });
    return say(ctx, chat, m.askNoticeNumber);
  }
  return say(ctx, chat, m.notUnderstood);
}

/** Reads one file into notices; a refusal becomes a ScanFailure (or FileTooLargeError) for error-to-view. */
async function scanFile(
  ctx: EngineContext,
  file: IncomingFile,
  onQueued: () => void,
): Promise<{ notices: PaymentNotice[]; bytes: Uint8Array; text?: string }> {
  const max = ctx.scanner.maxFileBytes;
  // Refused before a byte is downloaded when the platform announced the size.
  if (file.sizeBytes !== undefined && file.sizeBytes > max) throw new FileTooLargeError(max);
  let bytes: Uint8Array;
  try {
    bytes = await file.download(max);
  } catch (error) {
    if (error instanceof FileTooLargeError || error instanceof FileAccessError) throw error;
    throw new ScanFailure("download_failed", "the file could not be downloaded", { cause: error });
  }
  if (bytes.byteLength > max) throw new FileTooLargeError(max);
  const result = await ctx.scanner.scan(bytes, {
    ...(file.mimeType === undefined ? {} : { mimeType: file.mimeType }),
    ...(file.name === undefined ? {} : { fileName: file.name }),
    onQueued,
  });
  requestLogger(ctx).info("file scanned", { notices: result.notices.length, bytes: bytes.byteLength });
  return { notices: [...result.notices], bytes, ...(result.text === undefined ? {} : { text: result.text }) };
}

/** Whether a file is a PDF, by what the platform announced (its type, else its name). */
function isPdf(file: IncomingFile): boolean {
  return file.mimeType === "application/pdf" || (file.mimeType === undefined && /\.pdf$/i.test(file.name ?? ""));
}

/** The message shown at once when files arrive (named by the event's `ref`); the result replaces it. */
export async function showReading(
  ctx: EngineContext,
  chat: ChatRef,
  locale: Locale,
  ref: string = newId(),
): Promise<string> {
  const slot = slots.progress(ref);
  await say(ctx, chat, messagesFor(locale).reading, { slot });
  ctx.outbox.activity(chat);
  return slot;
}

/**
 * Photos and PDFs: every pagoPA code on every file. One notice on a sheet gives its card; several on one sheet
 * (instalments) a choice; several files (an album) a card or choice each. No code at all: tips, and the offer
 * to type the codes.
 */
export async function handleFiles(
  ctx: EngineContext,
  chat: ChatRef,
  from: Sender,
  files: readonly IncomingFile[],
  locale: Locale,
  slot: string,
) {
  const m = messagesFor(locale);
  const sheets: NoticeRef[][] = [];
  /** Where each single-notice sheet's due date is read after its card: the picture (OCR) or the PDF's text. */
  const dueSources = new Map<NoticeRef[], DueDateSource>();
  const seen = new Set<string>();
  let failure: unknown;
  for (const file of files) {
    try {
      const { notices, bytes, text } = await scanFile(ctx, file, () => void say(ctx, chat, m.readingQueued, { slot }));
      const fresh = notices.map(noticeRef).filter((n) => !seen.has(n.rptId) && seen.add(n.rptId));
      if (fresh.length > 0) sheets.push(fresh);
      if (fresh.length === 1) dueSources.set(fresh, text !== undefined ? { text } : { image: bytes });
    } catch (error) {
      failure ??= error;
      if (!(error instanceof ScanFailure || error instanceof FileTooLargeError || error instanceof FileAccessError))
        throw error;
      ctx.logger.info("file refused", { code: error.code });
    }
  }
  if (sheets.length === 0) {
    if (failure !== undefined)
      return say(ctx, chat, errorText(failure, m, { maxFileBytes: ctx.scanner.maxFileBytes }), { slot });
    const typeCodes = await makeButton(ctx, { action: "type_codes" }, m.typeCodesButton, "primary");
    // Tips for what was sent: a PDF's (the original, not a scan) or a photo's (and Telegram's "send as file").
    const kind = files.every((f) => isPdf(f)) ? "pdf" : "photo";
    const text = m.noQrFor(kind, chat.platform === "telegram" ? "telegram" : "other");
    return ctx.outbox.send({ chat, view: { type: "text", text, buttons: [[typeCodes]] }, slot });
  }
  let first = true;
  for (const sheet of sheets) {
    const target = first ? slot : undefined;
    first = false;
    if (sheet.length === 1 && sheet[0] !== undefined) {
      await openPayment(ctx, {
        chat,
        from,
        locale,
        notice: sheet[0],
        ...(target === undefined ? {} : { slot: target }),
      });
      const source = dueSources.get(sheet);
      const rptId = sheet[0].rptId;
      // A PDF without a text layer goes to OCR too, which leaves PDFs alone.
      const readable = source !== undefined && ("text" in source || ctx.dueDates !== undefined);
      if (readable && chat.kind === "group" && ctx.family !== undefined) {
        // Never delaying the card: read after it is shown, in the background.
        ctx.background("due date", () => readDueDate(ctx, chat, rptId, source));
      }
    } else {
      const view = await choiceView(ctx, chat, from, sheet, locale);
      await ctx.outbox.send({ chat, view, ...(target === undefined ? {} : { slot: target }) });
    }
  }
  if (failure !== undefined) {
    const text = errorText(failure, m, { maxFileBytes: ctx.scanner.maxFileBytes });
    await say(ctx, chat, text, toPerson(chat, from.userId));
  }
}

/** "Scrivi i codici": wait for the codes as text. */
export async function pressTypeCodes(ctx: EngineContext, chat: ChatRef, from: Sender, locale: Locale) {
  await setAwaiting(ctx, chat, { kind: "codes", userId: from.userId });
  await say(ctx, chat, messagesFor(locale).typeCodesPrompt);
}
