import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { repoRoot } from "./pagobot-process.ts";

/** ../shared (or PAGOBOT_SHARED_DIR) when present; the scanner's committed fixtures otherwise. */
const sharedCorpus = join(process.env.PAGOBOT_SHARED_DIR ?? join(repoRoot, "..", "shared"), "corpus");
const fixtureDir = join(repoRoot, "test", "fixtures", "scanner");
const useShared = existsSync(join(sharedCorpus, "dev", "manifest.json"));

interface ManifestEntry {
  readonly file: string;
  readonly expected: readonly string[];
}

const manifest: readonly ManifestEntry[] = (
  JSON.parse(
    readFileSync(useShared ? join(sharedCorpus, "dev", "manifest.json") : join(fixtureDir, "manifest.json"), "utf8"),
  ) as { images: ManifestEntry[] }
).images;

/** A photographed notice from the corpus, with the codes its QR codes carry. */
export interface CorpusNotice {
  /** The photo as Telegram delivers it (long side ≤ 1280 px, re-encoded) when the shared corpus is there. */
  readonly photo: Uint8Array;
  /** The original file, as someone sends it "as a file" or puts it in a PDF. */
  readonly original: Uint8Array;
  readonly file: string;
  /** Each QR's amount in cents, in print order. */
  readonly amountsCents: readonly number[];
}

export function corpusNotice(file: string): CorpusNotice {
  const entry = manifest.find((e) => e.file === file);
  if (entry === undefined) throw new Error(`${file} is not in the corpus manifest`);
  const original = new Uint8Array(readFileSync(useShared ? join(sharedCorpus, "dev", file) : join(fixtureDir, file)));
  const telegramPhoto = join(sharedCorpus, "dev-telegram", file.replace(/\.\w+$/, ".jpg"));
  const photo = useShared && existsSync(telegramPhoto) ? new Uint8Array(readFileSync(telegramPhoto)) : original;
  return { photo, original, file, amountsCents: entry.expected.map((payload) => Number(payload.split("|")[4])) };
}

/** Euro as the Italian card shows it ("1.030,69 €"), computed here independently of pagobot's formatter. */
export function euro(cents: number): string {
  return new Intl.NumberFormat("it-IT", { style: "currency", currency: "EUR", useGrouping: "always" }).format(
    cents / 100,
  );
}

/** A notice e-mailed as a PDF: the notice's page image (PNG or JPEG) on an A4 page. */
export async function pdfWithImage(image: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const isPng = image[0] === 0x89;
  const embedded = isPng ? await doc.embedPng(image) : await doc.embedJpg(image);
  const scale = Math.min(555 / embedded.width, 800 / embedded.height);
  page.drawImage(embedded, { x: 20, y: 20, width: embedded.width * scale, height: embedded.height * scale });
  return doc.save();
}

/** A notice PDF with no QR image, only its codes as text (as some payees' portals produce). */
export async function pdfWithText(lines: readonly string[]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  lines.forEach((line, i) => {
    page.drawText(line, { x: 40, y: 780 - i * 16, size: 11, font });
  });
  return doc.save();
}
