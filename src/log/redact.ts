/**
 * Scrubs secrets and personal data out of free text before it is logged: URL userinfo (webhook credentials),
 * bearer tokens, Telegram bot tokens in API URLs, and pagoPA identifiers (notice numbers, fiscal codes,
 * QR payloads), which name a person's debt.
 */
export function redactText(text: string): string {
  return (
    text
      // https://user:secret@host → https://[redacted]@host
      .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, "$1[redacted]@")
      .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, "$1 [redacted]")
      // Telegram Bot API paths carry the token: /bot123456:ABC…/method and /file/bot123456:ABC…/path
      .replace(/bot\d+:[A-Za-z0-9_-]+/g, "bot[redacted]")
      .replace(/\bPAGOPA\|[^\s"']*/g, "PAGOPA|[redacted]")
      .replace(/codfase=NBPA;[^\s"']*/g, "codfase=NBPA;[redacted]")
      // 18-digit notice numbers (possibly grouped by 4), 11-digit fiscal codes, 16-char personal fiscal codes
      .replace(/\b\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{4}[ .-]?\d{2}\b/g, "[notice]")
      .replace(/\b\d{11}\b/g, "[fiscal-code]")
      .replace(/\b[A-Z]{6}\d{2}[A-EHLMPR-T]\d{2}[A-Z]\d{3}[A-Z]\b/gi, "[fiscal-code]")
  );
}
