import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});

const menu = (scope: string, language = "") =>
  (harness.peer.state.commands.get(`${JSON.stringify({ type: scope })}|${language}`) ?? []).map(
    (c) => `/${c.command} ${c.description}`,
  );

describe("Telegram bot profile published at start", () => {
  it("lists the Italian commands for Italian private chats and for people whose app sends no language", () => {
    const italian = [
      "/start Inizia",
      "/help Come funziona",
      "/collega Collega il conto DropPay",
      "/scollega Scollega il conto",
      "/lingua Cambia lingua",
      "/annulla Annulla l'operazione",
      "/storico Ultimi pagamenti",
    ];
    expect(menu("all_private_chats", "it")).toEqual(italian);
    expect(menu("all_private_chats")).toEqual(italian);
  });

  it("lists the English command names for English speakers", () => {
    expect(menu("all_private_chats", "en")).toEqual([
      "/start Start",
      "/help How it works",
      "/link Link your DropPay account",
      "/unlink Unlink the account",
      "/language Change language",
      "/cancel Cancel the current step",
      "/history Recent payments",
    ]);
  });

  it("keeps account linking out of the group menu", () => {
    expect(menu("all_group_chats", "it")).toEqual([
      "/start Inizia",
      "/help Come funziona",
      "/annulla Annulla l'operazione",
      "/storico Ultimi pagamenti",
    ]);
  });

  it("sets the description and short description per language", () => {
    const { descriptions, shortDescriptions } = harness.peer.state;
    expect(descriptions.get("it")).toBe("Paga gli avvisi pagoPA: manda la foto dell'avviso.");
    expect(descriptions.get("")).toBe("Paga gli avvisi pagoPA: manda la foto dell'avviso.");
    expect(descriptions.get("en")).toBe("Pay pagoPA notices: send a photo of the notice.");
    expect(shortDescriptions.get("en")).toBe("pagoPA notices in chat");
  });
});
