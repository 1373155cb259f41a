import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Jimp } from "jimp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingFile } from "../../src/engine/events.ts";
import { FileAccessError } from "../../src/engine/ports.ts";
import { pdfWithImage } from "../adapters/telegram/e2e/notices.ts";
import { type Harness, memoryFile, people, startHarness } from "../helpers/harness.ts";

/** Notice images the scanner branch commits (a subset of ../shared/corpus/dev, with the same manifest). */
const fixtures = join(import.meta.dirname, "..", "fixtures", "scanner");
const image = (file: string, mimeType = file.endsWith(".png") ? "image/png" : "image/jpeg") =>
  memoryFile(new Uint8Array(readFileSync(join(fixtures, file))), mimeType, file);

describe("notices sent as photos and files", () => {
  let h: Harness;
  let chat = 0;
  const next = () => `photo-chat-${++chat}`;
  beforeAll(async () => {
    h = await startHarness({ scannerWorkers: 1 });
  });
  afterAll(async () => {
    await h.stop();
  });

  it("shows 'Sto leggendo l'avviso…' at once and replaces it with the card of the one notice on a scan", async () => {
    const id = next();
    await h.files([image("dev-0023.jpg")], undefined, id);
    // The progress message is out before the scan's result (it is stored and sent first).
    await h.see(/Avviso pagoPA/, id, 20_000);
    const messages = [...h.port.messages.values()].filter((m) => m.chat.chatId === id);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.versions[0]).toEqual({ type: "text", text: "Sto leggendo l'avviso…" });
    const card = h.texts(id)[0] ?? "";
    expect(card).toContain("Codice avviso: 3357 5866 3064 4824 32");
    expect(card).toContain("Importo: 829,52\u00a0€");
    expect(h.sandbox.admin.forms().at(-1)?.qrText).toBe("PAGOPA|002|335758663064482432|83301242455|82952");
  });

  it("offers one button per instalment with its amount when a sheet has two QR codes, and pays the one chosen", async () => {
    const id = next();
    await h.files([image("dev-0003.png")], undefined, id);
    const choice = await h.see(/più codici di pagamento/, id, 20_000);
    expect(choice).toContain("[Rata 1 — 174,37\u00a0€]");
    expect(choice).toContain("[Rata 2 — 174,37\u00a0€]");
    await h.press(/^Rata 2/, undefined, id);
    const card = await h.see(/Avviso pagoPA/, id);
    expect(card).toContain("Codice avviso: 3113 5037 4237 8541 36");
    await h.press(/^Paga /, undefined, id);
    await h.see(/✅ Pagato/, id);
    // The options stay: the other instalment can be paid later from the same message.
    expect(h.port.button(id, /^Rata 1/)).toBeDefined();
  });

  it("says no QR was found, with tips and a button to type the codes, for a photo without one", async () => {
    const id = next();
    // A photo of a page with no code at all (the fixtures' negative carries a Poste Data Matrix, which is read).
    const page = new Jimp({ width: 960, height: 720, color: 0xeeeae2ff });
    const photo = new Uint8Array(await page.getBuffer("image/jpeg"));
    await h.files([memoryFile(photo, "image/jpeg", "foto.jpg")], undefined, id);
    const tips = await h.see(/Non ho trovato il codice QR/, id, 20_000);
    expect(tips).toContain("oppure scrivi i codici");
    // A photo's tips, without Telegram's advice on another surface.
    expect(tips).toContain("rifai la foto con il riquadro del QR intero");
    expect(tips).not.toContain("mandala come file");
    expect(tips).not.toContain("PDF originale");
    expect(tips).toContain("[Scrivi i codici]");
    await h.press(/^Scrivi i codici$/, undefined, id);
    await h.see(/Scrivi il codice avviso \(18 cifre\) e il codice fiscale dell'ente/, id);
    await h.send("302016723749670000 80016350821", undefined, id);
    await h.see(/Avviso pagoPA/, id);
  });

  it("gives a PDF without a QR code a PDF's tips (the original document, not a scan)", async () => {
    const id = next();
    const pdf = await pdfWithImage(new Uint8Array(readFileSync(join(fixtures, "dev-0103.jpg"))));
    await h.files([memoryFile(pdf, "application/pdf", "avviso.pdf")], undefined, id);
    const tips = await h.see(/Non ho trovato il codice QR/, id, 20_000);
    expect(tips).toContain("manda il PDF originale dell'ente");
    expect(tips).not.toContain("rifai la foto");
    expect(tips).toContain("[Scrivi i codici]");
  });

  it("says the app cannot read files (files:read) when the platform refuses them, once per message, in both languages", async () => {
    const refused = (): IncomingFile => ({
      name: "avviso.jpg",
      mimeType: "image/jpeg",
      download: async () => {
        throw new FileAccessError("sign-in page instead of the file");
      },
    });
    const id = next();
    await h.files([refused(), refused()], undefined, id);
    const told = await h.see(/files:read/, id);
    expect(told).toBe(
      "Non posso leggere i file: all'app manca il permesso files:read. Chiedi a chi amministra lo spazio di lavoro " +
        "di aggiungerlo (reinstallando l'app dal manifest di pagobot), oppure scrivi i codici dell'avviso.",
    );
    await h.settle();
    expect(h.texts(id)).toEqual([told]);
    const english = next();
    await h.files([refused()], people.john, english);
    expect(await h.see(/files:read/, english)).toMatch(/^I cannot read files: .* Ask the workspace admin to add it/);
  });

  it("gives an album one card or choice per sheet", async () => {
    const id = next();
    await h.files([image("dev-0081.jpg"), image("dev-0054.jpg")], undefined, id);
    await h.see(/più codici di pagamento/, id, 30_000);
    await h.see(/Avviso pagoPA/, id);
    expect(h.texts(id)).toHaveLength(2);
  });

  it("refuses a 25 MB file before downloading a byte", async () => {
    const id = next();
    let downloaded = false;
    const big: IncomingFile = {
      name: "scan.jpg",
      mimeType: "image/jpeg",
      sizeBytes: 25 * 1024 * 1024,
      async download() {
        downloaded = true;
        return new Uint8Array(0);
      },
    };
    await h.files([big], undefined, id);
    await h.see(/Il file è troppo grande: il massimo è 20 MB\./, id);
    expect(downloaded).toBe(false);
  });

  it("says so when the download fails, and when the file is not an image", async () => {
    const id = next();
    const broken: IncomingFile = {
      mimeType: "image/jpeg",
      download: () => Promise.reject(new Error("socket hang up")),
    };
    await h.files([broken], undefined, id);
    await h.see(/Non sono riuscito a scaricare il file/, id);
    await h.files([memoryFile(new TextEncoder().encode("just some text, no image"), "image/jpeg")], undefined, id);
    await h.see(/Non so leggere questo tipo di file|Il file sembra danneggiato/, id, 20_000);
  });
});
