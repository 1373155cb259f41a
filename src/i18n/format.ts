import { type Cents, formatCents, type Locale } from "../notice/money.ts";

/** Money for people, per locale: "1.030,69 €" in Italian, "€1,030.69" in English. */
export function formatMoney(cents: Cents, locale: Locale): string {
  return formatCents(cents, locale);
}

const TIME_ZONE = "Europe/Rome";
const dayFormats: Record<Locale, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat("it-IT", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }),
  en: new Intl.DateTimeFormat("en-IE", { day: "2-digit", month: "2-digit", year: "numeric", timeZone: "UTC" }),
};
// Days always as dd/mm/yyyy, in both languages and everywhere (card, messages, history): `dateStyle: "short"`
// wrote 29/11/26 in Italian and 29/11/2026 in English.
const momentOptions: Intl.DateTimeFormatOptions = {
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: TIME_ZONE,
};
const momentFormats: Record<Locale, Intl.DateTimeFormat> = {
  it: new Intl.DateTimeFormat("it-IT", momentOptions),
  en: new Intl.DateTimeFormat("en-IE", momentOptions),
};

/** A calendar day (YYYY-MM-DD, as DropPay writes dates) as people write it: "15/03/2026". */
export function formatDay(isoDay: string, locale: Locale): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(isoDay);
  if (match === null) return isoDay;
  return dayFormats[locale].format(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/** A moment (ISO 8601 with time, or epoch ms) in Italian time: "15/03/2026, 14:05" in both languages. */
export function formatMoment(moment: string | number, locale: Locale): string {
  const ms = typeof moment === "number" ? moment : Date.parse(moment);
  if (Number.isNaN(ms)) return String(moment);
  return momentFormats[locale].format(ms);
}

/** Today's date in Italy (YYYY-MM-DD) at a given instant: scheduling works in Italian calendar days. */
export function italianDay(epochMs: number): string {
  return isoDayInRome.format(epochMs);
}
// Made once: building an Intl format costs tens of microseconds, formatting with one a few.
const isoDayInRome = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Adds days to a YYYY-MM-DD day. */
export function addDays(isoDay: string, days: number): string {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}

/**
 * Reads a day as people type it: "15/03/2026", "15-3-2026", "15.03.26", "2026-03-15", or "15/3" (this year,
 * or next year if that day has passed). Day first, as in Italy and Ireland. Undefined when it is no real date.
 */
export function parseDay(text: string, todayIso: string): string | undefined {
  const trimmed = text.trim();
  let year: number;
  let month: number;
  let day: number;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(trimmed);
  const dmy = /^(\d{1,2})[/.\-\s](\d{1,2})(?:[/.\-\s](\d{2}|\d{4}))?$/.exec(trimmed);
  const thisYear = Number(todayIso.slice(0, 4));
  if (iso) {
    [year, month, day] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  } else if (dmy) {
    day = Number(dmy[1]);
    month = Number(dmy[2]);
    const y = dmy[3];
    year = y === undefined ? thisYear : y.length === 2 ? 2000 + Number(y) : Number(y);
  } else {
    return undefined;
  }
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  let result = date.toISOString().slice(0, 10);
  // "15/3" typed in December means next March.
  if (!iso && dmy?.[3] === undefined && result < todayIso) result = `${year + 1}${result.slice(4)}`;
  return result;
}
