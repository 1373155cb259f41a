import { describe, expect, it } from "vitest";
import { decodeCallbackData, encodeCallbackData } from "../../../adapters/telegram/callback-data.ts";
import { TelegramRenderError } from "../../../adapters/telegram/errors.ts";
import { renderView } from "../../../adapters/telegram/render.ts";
import { MAX_BUTTON_REF_LENGTH, type View } from "../../../src/engine/views.ts";
import { parseTelegramHtml } from "../../peers/telegram/html.ts";

const notice: View = {
  type: "card",
  title: "Avviso <TARI> & rifiuti",
  lines: ["Scade il 31/03/2026"],
  fields: [
    { label: "Importo", value: "1.030,69 €" },
    { label: "Codice avviso", value: "3020 1672 3749 6700 00" },
  ],
  footer: "Conto demo: nessun movimento reale",
  tone: "neutral",
  buttons: [
    [
      { label: "Paga 1.030,69 €", ref: "p:01HZX3", style: "primary" },
      { label: "Annulla", ref: "x:01HZX3", style: "danger" },
    ],
    [{ label: "Ricevuta", url: "https://example.org/r/1" }],
  ],
};

describe("rendering engine views for Telegram", () => {
  it("renders a card as HTML Telegram accepts, showing the person every field", () => {
    const { html } = renderView(notice);
    expect(html).toBe(
      "<b>Avviso &lt;TARI&gt; &amp; rifiuti</b>\nScade il 31/03/2026\n\n" +
        "Importo: <b>1.030,69 €</b>\nCodice avviso: <b>3020 1672 3749 6700 00</b>\n\n" +
        "<i>Conto demo: nessun movimento reale</i>",
    );
    const parsed = parseTelegramHtml(html);
    expect(parsed).toEqual({
      ok: true,
      text:
        "Avviso <TARI> & rifiuti\nScade il 31/03/2026\n\nImporto: 1.030,69 €\nCodice avviso: 3020 1672 3749 6700 00\n\n" +
        "Conto demo: nessun movimento reale",
    });
  });

  it("puts engine refs in callback data and links in url buttons, row by row", () => {
    expect(renderView(notice).keyboard).toEqual({
      inline_keyboard: [
        [
          { text: "Paga 1.030,69 €", callback_data: "r:p:01HZX3" },
          { text: "Annulla", callback_data: "r:x:01HZX3" },
        ],
        [{ text: "Ricevuta", url: "https://example.org/r/1" }],
      ],
    });
  });

  it.each([
    ["pending", "⏳ Pagamento in corso"],
    ["success", "✅ Pagamento in corso"],
    ["failure", "❌ Pagamento in corso"],
    ["muted", "Pagamento in corso"],
  ] as const)("marks a %s card's title", (tone, title) => {
    const view: View = { type: "card", title: "Pagamento in corso", fields: [], tone, buttons: [] };
    expect(renderView(view)).toEqual({ html: `<b>${title}</b>` });
  });

  it("adds no second mark to a card that already carries an emoji", () => {
    const view: View = {
      type: "card",
      title: "Avviso",
      lines: ["Pagato ✅"],
      fields: [],
      tone: "success",
      buttons: [],
    };
    expect(renderView(view).html).toBe("<b>Avviso</b>\nPagato ✅");
  });

  it("escapes a text view and leaves the keyboard out when there are no buttons", () => {
    expect(renderView({ type: "text", text: "a < b && c > d" })).toEqual({ html: "a &lt; b &amp;&amp; c &gt; d" });
  });

  it("cuts a text longer than Telegram's 4096 characters instead of failing", () => {
    const { html } = renderView({ type: "text", text: "x".repeat(5000) });
    const parsed = parseTelegramHtml(html);
    expect(parsed.ok && parsed.text.length).toBe(4096);
  });
});

describe("callback data", () => {
  it("round-trips the longest ref the engine makes, within 64 bytes", () => {
    const ref = "a".repeat(MAX_BUTTON_REF_LENGTH);
    const data = encodeCallbackData(ref);
    expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
    expect(decodeCallbackData(data)).toBe(ref);
  });

  it("refuses a ref that cannot fit, rather than sending a button Telegram rejects", () => {
    expect(() => encodeCallbackData("é".repeat(40))).toThrow(TelegramRenderError);
  });

  it("does not take foreign data for an engine ref", () => {
    expect(decodeCallbackData("legacy-42")).toBeUndefined();
    expect(decodeCallbackData("r:")).toBeUndefined();
    expect(decodeCallbackData(undefined)).toBeUndefined();
  });
});
