import { type NoticeError, noticeError } from "./errors.ts";
import { err, ok, type Result } from "./result.ts";

/** An amount of euro cents: a non-negative safe integer. All money in pagobot is held this way. */
export type Cents = number & { readonly __brand: "Cents" };

/** The largest amount a pagoPA notice can carry: 999.999.999,99 € (notice guide, "Importo e scadenza"). */
export const MAX_NOTICE_CENTS = 99_999_999_999 as Cents;

/** Brands an integer as cents, refusing anything that is not a non-negative safe integer. */
export function toCents(value: number): Cents {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not an amount of cents: ${value}`);
  return value as Cents;
}

/** Adds amounts of cents (totals = amount + fee + agio are always summed in cents, never in euro). */
export function addCents(...amounts: readonly Cents[]): Cents {
  return toCents(amounts.reduce((sum, a) => sum + a, 0));
}

/**
 * Converts a euro amount that arrived as a JSON number (DropPay's wire format) into cents, exactly. JavaScript
 * prints a number as the shortest decimal that reads back to it, which is the decimal the JSON carried, so the
 * conversion works on that text: no float arithmetic, never Math.floor (1.13 * 100 is 112.99999999999999).
 * More than two decimals is refused rather than rounded.
 */
export function centsFromEuroNumber(euro: number): Result<Cents, NoticeError> {
  if (!Number.isFinite(euro) || euro < 0)
    return err(noticeError("amount_format", "amount is not a non-negative number"));
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(String(euro));
  if (match === null) return err(noticeError("amount_format", "amount has more than two decimals"));
  const whole = match[1] ?? "0";
  if (whole.length > 9) return err(noticeError("amount_too_large", "amount exceeds 999.999.999,99 €"));
  return ok((Number(whole) * 100 + Number((match[2] ?? "").padEnd(2, "0"))) as Cents);
}

/** Writes cents as a plain decimal euro string with a dot ("1030.69"), for wire formats that want one. */
export function centsToDecimalString(cents: Cents): string {
  const whole = Math.trunc(cents / 100);
  const fraction = cents % 100;
  return `${whole}.${fraction.toString().padStart(2, "0")}`;
}

/**
 * Reads a euro amount as people type or print it: "1.030,69", "1030,69", "100.00", "0,29", "1,030.69",
 * "€ 12", "12 EUR". With both separators the last one is the decimal mark; a lone separator followed by
 * one to two digits is a decimal mark; "1.030" or "1.005" could be either, so it is refused rather than guessed
 * (money is never guessed), while "1.030.000" is clearly grouped.
 */
export function parseEuroText(text: string): Result<Cents, NoticeError> {
  const cleaned = text
    .trim()
    .replace(/^(€|eur(o)?)\s*/i, "")
    .replace(/\s*(€|eur(o)?)$/i, "")
    .replace(/[\s\u00a0\u202f']/g, (space, offset: number, all: string) =>
      // a space between digit groups ("1 030,69") is a thousands separator; elsewhere it is noise
      /\d/.test(all[offset - 1] ?? "") && /^\d{3}(\D|$)/.test(all.slice(offset + 1)) ? "." : space.trim(),
    );
  if (!/^\d[\d.,]*$/.test(cleaned)) return err(noticeError("amount_format", "not a euro amount"));
  const lastDot = cleaned.lastIndexOf(".");
  const lastComma = cleaned.lastIndexOf(",");
  let integerPart: string;
  let fractionPart = "";
  if (lastDot >= 0 && lastComma >= 0) {
    const decimalAt = Math.max(lastDot, lastComma);
    const thousands = decimalAt === lastDot ? "," : ".";
    integerPart = cleaned.slice(0, decimalAt);
    fractionPart = cleaned.slice(decimalAt + 1);
    if (integerPart.includes(cleaned[decimalAt] ?? "")) return err(noticeError("amount_format", "two decimal marks"));
    if (!isGrouped(integerPart, thousands)) return err(noticeError("amount_format", "misplaced thousands separator"));
    integerPart = integerPart.split(thousands).join("");
  } else if (lastDot >= 0 || lastComma >= 0) {
    const separator = lastDot >= 0 ? "." : ",";
    const parts = cleaned.split(separator);
    const last = parts[parts.length - 1] ?? "";
    if (parts.length === 2 && last.length !== 3) {
      integerPart = parts[0] ?? "";
      fractionPart = last;
    } else if (parts.length > 2 && isGrouped(cleaned, separator)) {
      integerPart = parts.join("");
    } else {
      return err(noticeError("amount_format", "misplaced separator"));
    }
  } else {
    integerPart = cleaned;
  }
  if (!/^\d+$/.test(integerPart) || !/^\d{0,2}$/.test(fractionPart)) {
    return err(noticeError("amount_format", "a euro amount has at most two decimals"));
  }
  const digits = integerPart.replace(/^0+(?=\d)/, "");
  if (digits.length > 9) return err(noticeError("amount_too_large", "amount exceeds 999.999.999,99 €"));
  return ok((Number(digits) * 100 + Number(fractionPart.padEnd(2, "0"))) as Cents);
}

function isGrouped(integer: string, separator: string): boolean {
  const groups = integer.split(separator);
  return groups.every((g, i) => (i === 0 ? /^\d{1,3}$/.test(g) : /^\d{3}$/.test(g)));
}

/** The locales pagobot speaks. */
export type Locale = "it" | "en";

const currencyFormats: Record<Locale, Intl.NumberFormat> = {
  // it-IT prints "1.030,69 €" with a no-break space; four-digit amounts are grouped only with "always".
  it: new Intl.NumberFormat("it-IT", { style: "currency", currency: "EUR", useGrouping: "always" }),
  // English for people living in Italy: euro first, as Ireland writes it ("€1,030.69").
  en: new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR", useGrouping: "always" }),
};

/** Formats cents for people: `formatCents(103069, "it")` is "1.030,69 €", in English "€1,030.69". */
export function formatCents(cents: Cents, locale: Locale): string {
  // Intl formats a decimal string exactly; no float ever holds the amount.
  return currencyFormats[locale].format(centsToDecimalString(cents) as `${number}`);
}
