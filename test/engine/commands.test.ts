import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, people, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

describe("commands", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.stop();
  });

  it("/start welcomes by name and says a first payment needs nothing in the sandbox", async () => {
    await h.command("start");
    const welcome = await h.see(/Ciao Maria!/);
    expect(welcome).toContain("paghi da un conto demo della sandbox");
  });

  it("/aiuto lists the commands in the person's language", async () => {
    await h.command("help");
    const help = await h.see(/Comandi:/);
    for (const command of ["/collega", "/scollega", "/lista", "/storico", "/lingua", "/annulla", "/aiuto"]) {
      expect(help).toContain(command);
    }
    await h.command("help", "", people.john, "john");
    const english = await h.see(/Commands:/, "john");
    expect(english).toContain("/link");
  });

  it("/lingua offers both languages; the choice sticks for that person over the platform's locale", async () => {
    await h.command("language");
    await h.see(/Scegli la lingua:/);
    await h.press(/^English$/);
    await h.see(/From now on I'll write to you in English\./);
    await h.send(testNotice("paid").qrText);
    await h.see(/pagoPA notice/);
    await h.command("language", "italiano");
    await h.see(/D'ora in poi ti scrivo in italiano\./);
  });

  it("/storico lists this chat's payments, newest first, with amount and status", async () => {
    await h.command("history");
    await h.see(/Ancora nessun pagamento in questa chat\./);
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.send(testNotice("expired").qrText);
    await h.see(/L'avviso è scaduto/);
    await h.command("history");
    const history = await h.see(/Ultimi pagamenti in questa chat:/);
    const lines = history.split("\n").slice(1);
    expect(lines[0]).toMatch(/ · 99999000047 · 30,00\u00a0€ · non creato$/);
    expect(lines[1]).toMatch(/ · Comune di Borgo Sereno · 121,50\u00a0€ · pagato$/);
  });

  it("/lista lists the notices a person has still open, with the total and its status, in their language", async () => {
    const empty = /^Non hai avvisi in sospeso/;
    await h.command("list");
    await h.see(empty);
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    await h.command("list");
    const list = await h.see(/^I tuoi avvisi in sospeso:/);
    expect(list.split("\n")[1]).toMatch(
      /^• Comune di Borgo Sereno · 121,50\u00a0€ · \d\d\/\d\d\/\d{4} · da confermare$/,
    );
    // Someone else's list does not show Maria's notice.
    await h.command("list", "", people.john, "john");
    await h.see(/^You have no pending notices/, "john");
    // Paid, it leaves the pending list and goes to the recent payments of the read API.
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    await h.settle();
    await h.command("list");
    await h.settle();
    expect(h.texts().filter((t) => empty.test(t))).toHaveLength(2);
    const overview = await h.app.engine.overview({ platform: "playground", userId: people.maria.userId });
    expect(overview.pending).toEqual([]);
    expect(overview.recent.map((p) => [p.title, p.status, p.tone])).toEqual([
      ["Comune di Borgo Sereno", "pagato", "success"],
    ]);
  });

  it("/annulla drops the question the bot asked, and says when there is none", async () => {
    await h.command("cancel");
    await h.see(/Non c'è niente da annullare/);
    await h.send("302016723749670000");
    await h.see(/Ora scrivi il codice fiscale dell'ente/);
    await h.command("cancel");
    await h.see(/Va bene, lascio stare\./);
    await h.send("80016350821");
    // No longer waiting for the payee: a lone fiscal code now asks for the notice number instead.
    await h.see(/Ora scrivi il codice avviso/);
  });
});
