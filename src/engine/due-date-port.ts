/**
 * Reads a notice's printed due date from its picture (src/ocr, Tesseract). Slow beside the QR reader, so the
 * engine asks only after the card is shown, and only where a due date does something (a household's reminders).
 */
export interface DueDateReader {
  /** The date (YYYY-MM-DD) printed after "entro il", "scadenza"…; null when none is legible. */
  read(image: Uint8Array, today: string): Promise<{ readonly date: string } | null>;
}
