// Lost and doubled PAID messages, counted over a whole bench run from what the chat peer received: each paid form
// is expected to announce itself once, in its own chat. A form whose chat got none is lost; every copy beyond the
// first is doubled (a person would read "paid" twice).

/** The PAID message's opening, in pagobot's words (src/i18n/it.ts) and the floor's. */
export const isPaidMessage = (text: string): boolean => text.startsWith("✅ Pagato");

/** A bot message or edit that shows the payment as paid: the PAID message, or the card edited to "Pagato ✅". */
export const isPaidShown = (text: string): boolean => isPaidMessage(text) || text.includes("Pagato ✅");

export interface PaidTally {
  /** Forms whose chat received no PAID message. */
  readonly lost: number;
  /** PAID messages beyond the first, over all forms. */
  readonly doubled: number;
  /** Up to 5 notice numbers of lost forms, for the report. */
  readonly lostExamples: readonly string[];
}

/**
 * @param chats the chat of each form, by notice number
 * @param messages every bot message the peer received (chat and text), edits excluded
 */
export function tallyPaid(
  chats: ReadonlyMap<string, number>,
  messages: Iterable<{ readonly chatId: number; readonly text: string }>,
): PaidTally {
  const paid = new Map<number, number>();
  for (const m of messages) if (isPaidMessage(m.text)) paid.set(m.chatId, (paid.get(m.chatId) ?? 0) + 1);
  let lost = 0;
  let doubled = 0;
  const lostExamples: string[] = [];
  for (const [notice, chat] of chats) {
    const n = paid.get(chat) ?? 0;
    if (n === 0) {
      lost++;
      if (lostExamples.length < 5) lostExamples.push(notice);
    } else doubled += n - 1;
  }
  return { lost, doubled, lostExamples };
}

/** The q-th percentile (0–100) of ascending `sorted`, nearest rank below; NaN when empty. */
export const percentile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))] ?? Number.NaN;
