/**
 * Finds a notice's due date in text: a PDF's text layer, a photo's OCR text, or what a person typed. Printed
 * text ("read") must say it is a due date ("entro il", "scadenza", "due by"…) right before the date, so the other
 * numbers on a notice (its number, amounts, the fiscal code, the issue date, "entro 30 giorni dalla notifica del…")
 * never become a due date. A person's answer to "when is it due?" ("given") may be just a date.
 * Dates are day-first, as Italy writes them, also in English text.
 */

export interface DueDate {
  /** YYYY-MM-DD. */
  readonly date: string;
  /** Read from the notice (PDF or photo) or given by a person. */
  readonly source: "read" | "given";
  /** The words it was found in, as written ("entro il 04/01/2025"). */
  readonly phrase: string;
}

const MONTHS: Record<string, number> = {
  gennaio: 1,
  gen: 1,
  january: 1,
  jan: 1,
  febbraio: 2,
  feb: 2,
  february: 2,
  marzo: 3,
  mar: 3,
  march: 3,
  aprile: 4,
  apr: 4,
  april: 4,
  maggio: 5,
  mag: 5,
  may: 5,
  giugno: 6,
  giu: 6,
  june: 6,
  jun: 6,
  luglio: 7,
  lug: 7,
  july: 7,
  jul: 7,
  agosto: 8,
  ago: 8,
  august: 8,
  aug: 8,
  settembre: 9,
  sett: 9,
  set: 9,
  september: 9,
  sept: 9,
  sep: 9,
  ottobre: 10,
  ott: 10,
  october: 10,
  oct: 10,
  novembre: 11,
  nov: 11,
  november: 11,
  dicembre: 12,
  dic: 12,
  december: 12,
  dec: 12,
};
// Longest first, so "sett" wins over "set" and "march" over "mar".
const MONTH_WORDS = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join("|");

/**
 * Words that announce a due date, Italian and English, and German for the bilingual notices of South Tyrol (text is
 * matched lower-case, without accents).
 */
const KEYWORD =
  /(?:entro(?: e non oltre)?|scadenza|scade|scadente|termine(?: di pagamento| ultimo)?|pagabile|da pagare|due (?:by|on|date)|payment due|pay by|payable (?:by|on)|deadline|zahlbar bis|bis zum|fallig am)/g;

/** Between the keyword and the date: filler words and punctuation only, no number and no other date's words. */
const MAX_GAP = 40;
const GAP_REFUSED = /\d|notific|emess|emission|dal |from |issued|[.;!?]\s/;

interface Found {
  readonly date: string;
  readonly index: number;
  readonly end: number;
}

const DATE_PATTERNS: readonly {
  readonly re: RegExp;
  readonly read: (m: RegExpExecArray) => [number, number, number | null];
}[] = [
  // 04/01/2025, 4-1-25, 04.01.25, 04 / 01 / 2025 (OCR spaces); the same separator twice.
  {
    re: /(?<![\d.,/-])(\d{1,2})\s?([./-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d]|[.,]\d)/g,
    read: (m) => [Number(m[1]), Number(m[3]), Number(m[4])],
  },
  // 2025-01-04
  {
    re: /(?<![\d.,/-])(\d{4})-(\d{2})-(\d{2})(?![\d]|[.,]\d)/g,
    read: (m) => [Number(m[3]), Number(m[2]), Number(m[1])],
  },
  // 4 gennaio 2025, 4° gen. 2025, 4th January 2025, 4 gennaio (a year is then inferred, for typed text only)
  {
    re: new RegExp(
      `(?<![\\d.,])(\\d{1,2})(?:°|º|st|nd|rd|th)?\\s+(?:di\\s+|of\\s+)?(${MONTH_WORDS})\\b\\.?,?(?:\\s+(\\d{4}))?(?!\\d)`,
      "g",
    ),
    read: (m) => [Number(m[1]), MONTHS[m[2] ?? ""] ?? 0, m[3] === undefined ? null : Number(m[3])],
  },
  // January 4, 2025; Jan 4th 2025
  {
    re: new RegExp(`\\b(${MONTH_WORDS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?(?:\\s+(\\d{4}))?(?![\\d.,]\\d|\\d)`, "g"),
    read: (m) => [Number(m[2]), MONTHS[m[1] ?? ""] ?? 0, m[3] === undefined ? null : Number(m[3])],
  },
];

/** A real calendar day in this century, or undefined. A missing year is the next such day from `today`. */
function calendarDay(day: number, month: number, year: number | null, today: string | undefined): string | undefined {
  let y = year ?? Number((today ?? "").slice(0, 4));
  if (!Number.isInteger(y)) return undefined;
  if (y < 100) y += 2000;
  if (y < 2000 || y > 2099) return undefined;
  const date = new Date(Date.UTC(y, month - 1, day));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const iso = date.toISOString().slice(0, 10);
  // "4 gennaio" typed in December means next January.
  if (year === null && today !== undefined && iso < today) return calendarDay(day, month, y + 1, today);
  return iso;
}

/** Lower case, accents and odd spaces gone, the same length as the input (indices map back to the original). */
function normalize(text: string): string {
  return [...text]
    .map((ch) => {
      const plain = ch.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      const one = plain.length === 1 ? plain : ch;
      if (/\s/.test(one)) return one === "\n" ? "\n" : " ";
      const lower = one.toLowerCase();
      return lower.length === one.length ? lower : one;
    })
    .join("")
    .replace(OCR_DIGIT, (ch) => (ch === "o" ? "0" : "1"));
}

/**
 * OCR reads 0 as "O" and 1 as "l", "I" or "|" inside numbers ("O4/0l/2025"). Only a letter next to a digit and a
 * date separator is mended (one character for one, so positions still match the original text).
 */
const OCR_DIGIT = /(?<=[\d][./-]?|[./-])[oli|](?=[\d]|[./-]\d)|[oli|](?=\d[./-]\d)/g;

function datesIn(text: string, today: string | undefined, requireYear: boolean): Found[] {
  const found: Found[] = [];
  for (const { re, read } of DATE_PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const [day, month, year] = read(m);
      if (requireYear && year === null) continue;
      const date = calendarDay(day, month, year, today);
      if (date !== undefined && !found.some((f) => m !== null && f.index <= m.index && m.index < f.end)) {
        found.push({ date, index: m.index, end: m.index + m[0].length });
      }
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

/**
 * Every due date announced in the text, in order of appearance (a notice in instalments has several). `today`
 * (YYYY-MM-DD, Italian time) completes a typed date without a year.
 */
export function findDueDates(text: string, source: "read" | "given", today?: string): DueDate[] {
  const plain = normalize(text);
  const dates = datesIn(plain, today, source === "read");
  const result: DueDate[] = [];
  const keywords = [...plain.matchAll(KEYWORD)].map((k) => ({ start: k.index, end: k.index + k[0].length }));
  for (const date of dates) {
    const keyword = keywords.filter((k) => k.end <= date.index && date.index - k.end <= MAX_GAP).at(-1);
    if (keyword === undefined) continue;
    const gap = plain.slice(keyword.end, date.index);
    if (GAP_REFUSED.test(gap)) continue;
    // A keyword announces the date right after it, not one further on past another date.
    if (dates.some((d) => d !== date && d.index >= keyword.end && d.index < date.index)) continue;
    result.push({ date: date.date, source, phrase: text.slice(keyword.start, date.end).replace(/\s+/g, " ").trim() });
  }
  if (result.length === 0 && source === "given") {
    // A person answering "when is it due?" may type just the date: only when it is the one date in their text.
    const [only, ...others] = dates;
    if (only !== undefined && others.length === 0) {
      result.push({ date: only.date, source, phrase: text.slice(only.index, only.end).trim() });
    }
  }
  return result;
}

/**
 * The due date to remember: the earliest announced (the single-payment date, or the first instalment's), so a
 * reminder is never late. Null when the text announces none.
 */
export function findDueDate(text: string, source: "read" | "given", today?: string): DueDate | null {
  const all = findDueDates(text, source, today);
  return all.reduce<DueDate | null>(
    (earliest, d) => (earliest === null || d.date < earliest.date ? d : earliest),
    null,
  );
}

/** Whether a due date is past (the day after it, Italian time): a reminder for it makes no sense. */
export function isPast(dueDate: string, today: string): boolean {
  return dueDate < today;
}
