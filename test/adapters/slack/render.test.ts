import { describe, expect, it } from "vitest";
import { renderView } from "../../../adapters/slack/render.ts";
import type { View } from "../../../src/engine/views.ts";
import { seenMessage } from "../../peers/slack/blocks.ts";

const card: Extract<View, { type: "card" }> = {
  type: "card",
  title: "Avviso pagoPA",
  lines: ["Controlla i dati e premi Paga."],
  fields: [
    { label: "Ente", value: "Comune di Borgo <Sereno> & Co" },
    { label: "Totale", value: "121,50 €" },
  ],
  footer: "Conto demo della sandbox: nessun movimento di denaro reale.",
  tone: "neutral",
  buttons: [
    [
      { label: "Paga 121,50 €", ref: "ref-pay", style: "primary" },
      { label: "Annulla", ref: "ref-cancel", style: "danger" },
    ],
    [{ label: "Apri DropPay", url: "https://example.org/link" }],
  ],
};

describe("engine views as Block Kit", () => {
  it("draws a card: header with its mark, coloured attachment, fields, footer, buttons carrying the refs", () => {
    const message = renderView(card);
    const seen = seenMessage(message.text, message.blocks, message.attachments);
    expect(seen.text).toBe(
      [
        "🧾 Avviso pagoPA",
        "Controlla i dati e premi Paga.",
        "Ente\nComune di Borgo <Sereno> & Co",
        "Totale\n121,50 €",
        "Conto demo della sandbox: nessun movimento di denaro reale.",
      ].join("\n"),
    );
    expect(seen.color).toBe("#1D9BD1");
    expect(seen.buttons.map((row) => row.map((b) => [b.text, b.value, b.url, b.style]))).toEqual([
      [
        ["Paga 121,50 €", "ref-pay", undefined, "primary"],
        ["Annulla", "ref-cancel", undefined, "danger"],
      ],
      [["Apri DropPay", undefined, "https://example.org/link", undefined]],
    ]);
    // Slack's three reserved characters are escaped in mrkdwn.
    expect(JSON.stringify(message.attachments)).toContain("Borgo &lt;Sereno&gt; &amp; Co");
  });

  it("always gives a text fallback with the card's figures", () => {
    expect(renderView(card).text).toBe(
      "🧾 Avviso pagoPA\nControlla i dati e premi Paga.\nEnte: Comune di Borgo <Sereno> & Co\nTotale: 121,50 €",
    );
  });

  it("colours by tone and adds no second mark when the engine's text has one", () => {
    const paid = renderView({ ...card, tone: "success", lines: ["Pagato ✅"], buttons: [] });
    expect(paid.attachments[0]?.color).toBe("#2EB67D");
    expect(seenMessage(paid.text, paid.blocks, paid.attachments).text.split("\n")[0]).toBe("Avviso pagoPA");
    expect(renderView({ ...card, tone: "failure" as const }).attachments[0]?.color).toBe("#E01E5A");
    expect(renderView({ ...card, tone: "pending" as const }).blocks[0]).toMatchObject({
      text: { text: "⏳ Avviso pagoPA" },
    });
  });

  it("gives every button a distinct action_id", () => {
    const ids = seenMessage(undefined, [], renderView(card).attachments)
      .buttons.flat()
      .map((b) => b.actionId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("draws a text with buttons, and clears a card's attachment when it replaces one", () => {
    const message = renderView({
      type: "text",
      text: "Scegli la lingua:",
      buttons: [[{ label: "Italiano", ref: "r1" }]],
    });
    expect(message.attachments).toEqual([]);
    expect(seenMessage(message.text, message.blocks, undefined)).toMatchObject({
      text: "Scegli la lingua:",
      buttons: [[{ text: "Italiano", value: "r1" }]],
    });
  });

  it("splits a long text into sections within Slack's limit", () => {
    const long = Array.from({ length: 400 }, (_, i) => `riga ${i} · Comune di Borgo Sereno · 121,50 €`).join("\n");
    const message = renderView({ type: "text", text: long });
    for (const block of message.blocks) {
      const text = (block as { text?: { text?: string } }).text?.text ?? "";
      expect(text.length).toBeLessThanOrEqual(3_000);
    }
    expect(seenMessage(message.text, message.blocks, undefined).text).toBe(long);
  });
});
