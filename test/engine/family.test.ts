import { afterEach, describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { type SandboxHandle, startSandbox } from "../../src/droppay/sandbox/index.ts";
import type { ChatRef, CommandName, EventAck, Sender } from "../../src/engine/events.ts";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { romeInstant } from "../../src/family/rome-time.ts";
import { createFamilyStore } from "../../src/family/store.ts";
import { addDays, formatDay, formatMoney, italianDay } from "../../src/i18n/format.ts";
import { createTestBackend, type TestBackend, testBackends } from "../helpers/backends.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { noticeNumber, ordinaryPayee, testNotice } from "../helpers/notices.ts";
import { pdfText } from "../helpers/pdf-text.ts";

/**
 * A family in a group chat, end to end: the real engine (createApp), the DropPay sandbox, and each store backend.
 * Anna holds the account; Marco and Luca post notices.
 */
const paid = testNotice("paid");
const failed = testNotice("failed");
const anna: Sender = { userId: "u-anna", name: "Anna", locale: "it" };
const marco: Sender = { userId: "u-marco", name: "Marco", locale: "it" };
const luca: Sender = { userId: "u-luca", name: "Luca", locale: "it" };
const group: ChatRef = { platform: "playground", chatId: "famiglia", kind: "group" };
/** A notice of the ordinary payee whose QR code says `cents` (the sandbox then asks exactly that). */
const qr = (n: number, cents: number) => `PAGOPA|002|${noticeNumber(n)}|${ordinaryPayee}|${cents}`;

const DAY = 24 * 60 * 60_000;

/** Waits until `check` holds (polling; the sandbox settles on its own timers). */
async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let eventCounter = 0;
const eventId = () => `fam${++eventCounter}`;

describe.each(testBackends())("a family in a group, over %s", (name) => {
  let backend: TestBackend;
  let sandbox: SandboxHandle;
  let h: Harness;
  const harnesses: Harness[] = [];
  const clock = createManualClock(Date.now());

  /** A bot over the test's store and sandbox (another replica, or the same bot restarted, when `h` exists). */
  const bot = async (port?: Harness["port"]) => {
    const x = await startHarness({
      kv: backend.open(),
      sandbox,
      clock,
      storeUrl: backend.url,
      // Reminders a week ahead: a card is not closed as stale meanwhile.
      timing: { staleCardMs: 60 * DAY },
      ...(port === undefined ? {} : { port }),
    });
    harnesses.push(x);
    return x;
  };
  const start = async () => {
    clock.set(Date.now());
    backend = createTestBackend(name);
    sandbox = await startSandbox({ clock, timing: { settleMs: 30, promisedMs: 30, slowMs: 300 } });
    h = await bot();
  };
  afterEach(async () => {
    for (const x of harnesses.splice(0).reverse()) await x.stop().catch(() => {});
    await sandbox.close();
    await backend.dispose();
  });

  const say = (from: Sender, text: string) =>
    h.app.engine.handle({ type: "text", chat: group, from, text, eventId: eventId() });
  const command = async (from: Sender, name: CommandName, args = "", replyTo?: Sender) => {
    const reply = replyTo === undefined ? {} : { replyToUserId: replyTo.userId };
    await h.app.engine.handle({ type: "command", chat: group, from, name, args, eventId: eventId(), ...reply });
    await h.app.engine.drain();
  };
  const press = (from: Sender, label: RegExp): Promise<EventAck> => {
    const button = h.port.button(group.chatId, label);
    return h.app.engine.handle({ type: "button", chat: group, from, ...button, eventId: eventId() });
  };
  const texts = () => h.port.texts(group.chatId);
  const see = (pattern: RegExp) => h.see(pattern, group.chatId);
  const card = () => {
    const last = h.port.lastCard(group.chatId);
    if (last === undefined) throw new Error("no card");
    return { lines: last.view.lines ?? [], buttons: last.view.buttons.flat().map((b) => b.label) };
  };
  const payments = async (): Promise<PaymentRecord[]> => {
    const all: PaymentRecord[] = [];
    for (const id of await h.app.store.payments.ids()) {
      const p = await h.app.store.payments.get(id);
      if (p !== undefined) all.push(p);
    }
    return all;
  };
  const dispositions = () =>
    Object.values(sandbox.admin.calls().byForm).reduce((n, calls) => n + (calls?.disposition ?? 0), 0);
  /** Anna sets up the family; Marco (and Luca) have written in the group. */
  const family = async (...members: Sender[]) => {
    await command(anna, "family");
    for (const member of members) await say(member, "ciao");
    await h.app.engine.drain();
  };
  /** Marco posts a notice and waits for its card. */
  const post = async (from: Sender, text: string) => {
    await say(from, text);
    await see(/Avviso pagoPA/);
    await h.settle();
  };
  /** A household (Anna pays, Marco posts), and Marco's Ricordamelo on a notice due in 9 days: its day as typed. */
  const remindInNineDays = async (): Promise<{ due: string; dueText: string }> => {
    await start();
    await family(marco);
    await post(marco, paid.qrText);
    await press(marco, /^Ricordamelo$/);
    await see(/^Entro quando va pagato\?/);
    const due = addDays(italianDay(clock.now()), 9);
    const dueText = formatDay(due, "it");
    await say(marco, dueText);
    return { due, dueText };
  };

  it("/famiglia makes Anna the payer; again, it shows her, the members and their limits", async () => {
    await start();
    await command(anna, "family");
    expect(texts().at(-1)).toBe(
      "Famiglia creata. Paga Anna, dal conto Conto demo.\n" +
        "Chi manda un avviso in questo gruppo lo vede pagato dal suo conto dopo la sua approvazione. " +
        "Con /limite può lasciare pagare da soli gli importi piccoli.",
    );
    await say(marco, "ciao");
    await say(luca, "ciao");
    await command(marco, "limit", "luca 20");
    expect(texts().at(-1)).toBe("Solo chi paga per la famiglia può farlo.");
    await command(anna, "limit", "@marco 50");
    expect(texts().at(-1)).toBe("Marco può pagare da solo fino a 50,00\u00a0€ al mese.");
    // In reply to one of Luca's messages: Luca's limit.
    await command(anna, "limit", "10", luca);
    expect(texts().at(-1)).toBe("Luca può pagare da solo fino a 10,00\u00a0€ al mese.");
    await command(anna, "limit", "luca 0");
    expect(texts().at(-1)).toBe("Ogni avviso di Luca ora va approvato.");
    await command(anna, "family");
    expect(texts().at(-1)).toBe(
      [
        "Famiglia di questo gruppo",
        "Paga: Anna (conto Conto demo)",
        "• Marco: limite 50,00\u00a0€ al mese, usati 0,00\u00a0€",
        "• Luca: ogni avviso va approvato",
      ].join("\n"),
    );
  });

  it("a new member's notice waits for Anna: Marco's Approva is refused and nothing moves; Anna's pays, naming both", async () => {
    await start();
    await family(marco);
    await post(marco, paid.qrText);
    const waiting = card();
    expect(waiting.lines).toEqual(["Serve l'approvazione di Anna", "Paga dal conto di Anna", "Chiesto da Marco"]);
    expect(waiting.buttons).toEqual([
      expect.stringMatching(/^Approva e paga 1\d\d,\d\d\u00a0€$/),
      "Rifiuta",
      "Ricordamelo",
    ]);
    // The form is on Anna's account, not Marco's.
    expect((await payments())[0]?.payer.personKey).toBe("playground:u-anna");

    const refused = await press(marco, /^Approva e paga/);
    expect(refused).toEqual({ toast: "Grazie, ma solo Anna può approvare questo pagamento.", alert: true });
    const declined = await press(marco, /^Rifiuta$/);
    expect(declined.alert).toBe(true);
    await h.settle();
    expect(dispositions()).toBe(0);
    expect(card()).toEqual(waiting);
    expect((await payments())[0]?.phase).toBe("open");

    expect(await press(anna, /^Approva e paga/)).toEqual({ toast: "Approvato: pago…", echoesCard: true });
    const message = await see(/Pagato .* a Comune di Borgo Sereno/);
    expect(message).toMatch(/IUR \S+/);
    expect(message).toMatch(/\nChiesto da Marco, approvato da Anna\.$/);
    await h.settle();
    expect(card().lines).toEqual(["Pagato ✅", "Paga dal conto di Anna", "Chiesto da Marco", "Approvato da Anna"]);
    expect(card().buttons).toEqual([]);
    expect(dispositions()).toBe(1);

    // The PDF receipt follows, as a reply to the card: read back, it has the IUR, the total and both names.
    const receipt = h.port.deliveries.find((d) => d.view.type === "document");
    if (receipt?.view.type !== "document") throw new Error("no receipt");
    expect(receipt.view.caption).toMatch(/^Ricevuta: Comune di Borgo Sereno, 1\d\d,\d\d\u00a0€$/);
    expect(receipt.options.thread).toBe(h.port.lastCard(group.chatId)?.messageId);
    const iur = /IUR (\S+)/.exec(message)?.[1] ?? "?";
    expect(receipt.view.fileName).toBe(`ricevuta-pagopa-${iur}.pdf`);
    const pdf = await pdfText(Uint8Array.from(Buffer.from(receipt.view.base64, "base64")));
    expect(pdf).toContain(iur);
    const total = /Totale: (1\d\d,\d\d)/.exec(
      h.port.lastCard(group.chatId) === undefined ? "" : texts().join("\n"),
    )?.[1];
    expect(total).toBeDefined();
    expect(pdf).toContain(`${total}`);
    expect(pdf).toMatch(/Chiesto da\s+Marco/);
    expect(pdf).toMatch(/Approvato da\s+Anna/);

    await command(anna, "history");
    expect(texts().at(-1)).toMatch(
      /Comune di Borgo Sereno — 1\d\d,\d\d\u00a0€ — pagato\n {2}chiesto da Marco, approvato da Anna\n {2}IUR \S+/,
    );
    // /storico sends the receipt again.
    expect(texts().at(-1)).toMatch(/\n\[Ricevuta: Comune di Borgo Sereno, 1\d\d,\d\d\u00a0€\]$/);
    await press(marco, /^Ricevuta: Comune di Borgo Sereno/);
    await h.settle();
    expect(h.port.deliveries.filter((d) => d.view.type === "document")).toHaveLength(2);
  });

  it("Rifiuta closes the card saying who declined, and deletes the form", async () => {
    await start();
    await family(marco);
    await post(marco, paid.qrText);
    expect(await press(anna, /^Rifiuta$/)).toEqual({ toast: "Rifiutato.", echoesCard: true });
    await see(/Anna ha rifiutato il pagamento a Comune di Borgo Sereno\./);
    await h.settle();
    expect(card().lines).toEqual(["Annullato", "Paga dal conto di Anna", "Chiesto da Marco", "Rifiutato da Anna"]);
    expect(card().buttons).toEqual([]);
    expect(sandbox.admin.forms()[0]?.status).toBe("DELETED");
    expect(dispositions()).toBe(0);
  });

  it("a member under their cap pays alone, from Anna's account; the month's total counts it", async () => {
    await start();
    await family(marco);
    await command(anna, "limit", "marco 200");
    await post(marco, paid.qrText);
    expect(card().lines).toEqual([
      "Controlla i dati e premi Paga.",
      "Paga dal conto di Anna",
      expect.stringMatching(/^Entro il limite del mese: restano \d+,\d\d\u00a0€$/),
      "Chiesto da Marco",
    ]);
    expect(await press(marco, /^Paga /)).toEqual({ toast: "In corso…", echoesCard: true });
    expect(await see(/Pagato .* a Comune di Borgo Sereno/)).toMatch(/\nChiesto e pagato da Marco\.$/);
    await h.settle();
    const total = (await payments())[0]?.shown?.totalCents ?? 0;
    await command(anna, "family");
    const used = `${Math.floor(total / 100)},${String(total % 100).padStart(2, "0")}\u00a0€`;
    expect(texts().at(-1)).toContain(`• Marco: limite 200,00\u00a0€ al mese, usati ${used}`);
  });

  it("a failed payment gives the member's hold back", async () => {
    await start();
    await family(marco);
    await command(anna, "limit", "marco 200");
    await post(marco, failed.qrText);
    await press(marco, /^Paga /);
    await see(/Chiesto e pagato da Marco/);
    await h.settle();
    await command(anna, "family");
    expect(texts().at(-1)).toContain("• Marco: limite 200,00\u00a0€ al mese, usati 0,00\u00a0€");
  });

  it("the same notice posted again by Luca resumes Marco's card: one form, one payment", async () => {
    await start();
    await family(marco, luca);
    await post(marco, paid.qrText);
    await say(luca, paid.qrText);
    await see(/Marco lo sta già pagando: ecco il suo riepilogo\./);
    await h.settle();
    expect(sandbox.admin.forms()).toHaveLength(1);
    expect(await payments()).toHaveLength(1);
    // Marco's card again, under Luca's message, with its buttons.
    expect(h.port.chat(group.chatId).at(-1)?.text).toMatch(/Chiesto da Marco[\s\S]*\[Approva e paga/);
  });

  it("two payers pressing Approva at once make one disposition and one PAID message", async () => {
    await start();
    await family(luca, marco);
    await command(anna, "family", "aggiungi Luca");
    expect(texts().at(-1)).toBe("Luca ora può approvare e pagare, dal suo conto.");
    await post(marco, paid.qrText);
    expect(card().lines).toContain("Serve l'approvazione di Anna o Luca");
    const acks = await Promise.all([press(anna, /^Approva e paga/), press(luca, /^Approva e paga/)]);
    expect(acks.filter((a) => a.toast === "Approvato: pago…")).toHaveLength(1);
    await see(/Pagato .* a Comune di Borgo Sereno/);
    await h.settle();
    expect(dispositions()).toBe(1);
    expect(texts().filter((t) => /^✅ Pagato/.test(t))).toHaveLength(1);
  });

  it("two notices racing one cap: only one goes under it, the other waits for Anna", async () => {
    await start();
    await family(marco);
    await command(anna, "limit", "marco 30");
    await post(marco, qr(1, 2000));
    await post(marco, qr(2, 2000));
    const cards = h.port.chat(group.chatId).filter((m) => m.view.type === "card");
    expect(cards).toHaveLength(2);
    const pays = cards.map((c) => {
      const button = c.view.buttons?.flat().find((b) => /^Paga /.test(b.label));
      if (button === undefined || !("ref" in button)) throw new Error(`no Paga on\n${c.text}`);
      return { ref: button.ref, messageId: c.messageId };
    });
    const acks = await Promise.all(
      pays.map((b) => h.app.engine.handle({ type: "button", chat: group, from: marco, ...b, eventId: eventId() })),
    );
    expect(acks.filter((a) => a.toast === "In corso…")).toHaveLength(1);
    const over = acks.find((a) => a.toast !== "In corso…");
    expect(over?.alert).toBe(true);
    expect(over?.toast).toMatch(
      /^Supera il tuo limite del mese \(restano \d+,\d\d\u00a0€\): serve l'approvazione di Anna\.$/,
    );
    await see(/^✅ Pagato 21,00\u00a0€ [\s\S]*\nChiesto e pagato da Marco\.$/);
    await h.settle();
    expect(dispositions()).toBe(1);
    const waiting = h.port
      .chat(group.chatId)
      .filter((m) => m.view.type === "card" && /Serve l'approvazione di Anna/.test(m.text));
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.text).toMatch(/\[Approva e paga 2\d,\d\d\u00a0€\]/);
  });

  it("/lista shows the group's open notices with amount, due date and who posted them, and their cards", async () => {
    await start();
    await family(marco, luca);
    await post(marco, paid.qrText);
    await post(luca, qr(3, 4500));
    await command(anna, "list");
    const list = texts().find((t) => t.startsWith("Avvisi da pagare")) ?? "";
    expect(list).toMatch(/• Comune di Borgo Sereno — 1\d\d,\d\d\u00a0€.* \(da Marco\)/);
    expect(list).toMatch(/— 4\d,\d\d\u00a0€.* \(da Luca\)/);
    await h.settle();
    // The open cards again, under the list, with their buttons.
    expect(h.port.chat(group.chatId).at(-1)?.text).toMatch(/\[Approva e paga/);
  });

  it("/lista in the group and each member's overview (Slack's Home) list the same notices, amounts and posters", async () => {
    await start();
    await family(marco, luca);
    await post(marco, paid.qrText);
    await post(luca, qr(3, 4500));
    await command(anna, "list");
    const list = texts().find((t) => t.startsWith("Avvisi da pagare")) ?? "";
    const lines = list.split("\n").slice(1);
    expect(lines).toHaveLength(2);
    for (const who of [anna, marco, luca]) {
      const { pending } = await h.app.engine.overview({ platform: "playground", userId: who.userId });
      // Each line of /lista is one notice of the overview: its payee, total and poster, in the same words.
      const shown = pending.map((i) => {
        const total = i.totalCents === null ? "—" : formatMoney(i.totalCents, "it");
        return `• ${i.payee} — ${total}${i.dueDate === null ? "" : `, scade il ${formatDay(i.dueDate, "it")}`} (da ${i.postedBy})`;
      });
      expect(shown.sort()).toEqual([...lines].sort());
      expect(pending.map((i) => i.postedBy).sort()).toEqual(["Luca", "Marco"]);
    }
    // Luca is no payer: his Home still shows Marco's notice, with who posted it.
    const lucas = await h.app.engine.overview({ platform: "playground", userId: luca.userId });
    const marcos = lucas.pending.find((i) => i.postedBy === "Marco");
    expect(marcos?.status).toBe("da confermare");
    expect(marcos?.about).toBe("da Marco");
    expect(marcos?.detail).toMatch(/^1\d\d,\d\d\u00a0€ · /);
  });

  it("a member's Home follows a household notice another member posted, until it is paid", async () => {
    await start();
    await family(marco, luca);
    await post(marco, paid.qrText);
    const lucas = () => h.app.engine.overview({ platform: "playground", userId: luca.userId });
    expect((await lucas()).pending.map((i) => [i.postedBy, i.status])).toEqual([["Marco", "da confermare"]]);
    await press(anna, /^Approva e paga/);
    await see(/✅ Pagato/);
    await h.settle();
    expect((await lucas()).pending).toEqual([]);
  });

  it("Ricordamelo: reminders at D-7, D-1 and on the day, once each, across a restart and two bots on one store", async () => {
    const { due, dueText } = await remindInNineDays();
    await see(/^Ok: ti ricordo questo avviso 7 giorni prima, il giorno prima e il /);
    await h.settle();
    expect(card().buttons).toContain("Non ricordarmelo");
    const shown = h.port.lastCard(group.chatId)?.view.fields.find((f) => f.label === "Scadenza")?.value;
    expect(shown).toBe(`${dueText} (indicata da Marco)`);

    const reminders = () => texts().filter((t) => t.startsWith("Promemoria:"));
    expect(await h.app.engine.remind()).toBe(0);
    clock.set(romeInstant(addDays(due, -7), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(1);
    expect(await h.app.engine.remind()).toBe(0);
    await h.settle();
    expect(reminders()).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Promemoria: l'avviso di Comune di Borgo Sereno da 1\\d\\d,\\d\\d\u00a0€ scade tra 7 giorni \\(${dueText}\\)\\.\n\\[Approva e paga [^\\]]+\\]\n\\[Rifiuta\\]\n\\[Non ricordarmelo\\]$`,
        ),
      ),
    ]);

    // Restarted over the same store: the D-7 reminder is not sent again.
    await h.app.stop();
    harnesses.splice(harnesses.indexOf(h), 1);
    const restarted = await bot(h.port);
    expect(await restarted.app.engine.remind()).toBe(0);
    // Two bots on one store at D-1: one of them sends it.
    const second = await bot(h.port);
    clock.set(romeInstant(addDays(due, -1), 9) + 60_000);
    const sent = await Promise.all([restarted.app.engine.remind(), second.app.engine.remind()]);
    expect(sent[0] + sent[1]).toBe(1);
    clock.set(romeInstant(due, 9) + 60_000);
    expect(await second.app.engine.remind()).toBe(1);
    expect(await restarted.app.engine.remind()).toBe(0);
    h = restarted;
    await restarted.settle();
    await second.settle();
    expect(reminders().map((t) => t.split("\n")[0])).toEqual([
      expect.stringContaining("scade tra 7 giorni"),
      expect.stringContaining("scade domani"),
      expect.stringContaining("scade oggi"),
    ]);

    // A reminder's button acts on the card: Anna approves from the day's reminder.
    const fromReminder = h.port.button(group.chatId, /^Approva e paga/);
    expect(h.port.messages.get(fromReminder.messageId)?.versions.at(-1)?.type).toBe("text");
    await h.app.engine.handle({ type: "button", chat: group, from: anna, ...fromReminder, eventId: eventId() });
    // The form's webhook goes to the first bot's address here (a real deployment keeps one PUBLIC_URL): the
    // restarted bot is told as its webhook listener would tell it.
    await h.app.engine.drain();
    await until(async () => sandbox.admin.forms()[0]?.status === "PAID");
    const [payment] = await payments();
    h.app.engine.onFormChanged(payment?.id ?? "");
    await see(/Chiesto da Marco, approvato da Anna\./);
  });

  it("reminders stored before the due index (day buckets) fire once at their time after an upgrade", async () => {
    const { due } = await remindInNineDays();
    await see(/^Ok: ti ricordo questo avviso/);
    await h.settle();
    await h.app.stop();
    harnesses.splice(harnesses.indexOf(h), 1);

    // The store as the previous version left it: the reminders listed in day buckets, none in the due index.
    const kv = backend.open();
    const sets = kv.dueSets;
    const stored = createFamilyStore(kv);
    const byDay = new Map<string, string[]>();
    for (const id of await stored.reminders.ids()) {
      const reminder = await stored.reminders.get(id);
      if (reminder === undefined) continue;
      await sets.remove("due:family-reminder", id);
      byDay.set(reminder.bucket, [...(byDay.get(reminder.bucket) ?? []), id]);
    }
    expect(byDay.size).toBe(3);
    for (const [day, ids] of byDay) await kv.set(`family-reminder-day:${day}`, JSON.stringify({ ids }));

    const upgraded = await bot(h.port);
    h = upgraded;
    // The old layout is gone once it is read.
    expect(await stored.reminderDays.ids()).toEqual([]);
    const reminders = () => texts().filter((t) => t.startsWith("Promemoria:"));
    clock.set(romeInstant(addDays(due, -7), 9) - 60_000);
    expect(await h.app.engine.remind()).toBe(0);
    clock.set(romeInstant(addDays(due, -7), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(1);
    expect(await h.app.engine.remind()).toBe(0);
    // Started again: nothing left to adopt, and the sent reminder is not sent twice.
    await h.app.stop();
    harnesses.splice(harnesses.indexOf(h), 1);
    h = await bot(upgraded.port);
    expect(await h.app.engine.remind()).toBe(0);
    await h.settle();
    expect(reminders().map((t) => t.split("\n")[0])).toEqual([expect.stringContaining("scade tra 7 giorni")]);
    clock.set(romeInstant(addDays(due, -1), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(1);
  });

  it("Non ricordarmelo stops the reminders", async () => {
    await start();
    await family(marco);
    await post(marco, paid.qrText);
    await press(marco, /^Ricordamelo$/);
    const due = addDays(italianDay(clock.now()), 9);
    await say(marco, formatDay(due, "it"));
    await see(/^Ok: ti ricordo/);
    await h.settle();
    expect(await press(anna, /^Non ricordarmelo$/)).toEqual({ toast: "Va bene, non ti ricordo più questo avviso." });
    await h.settle();
    expect(card().buttons).not.toContain("Non ricordarmelo");
    clock.set(romeInstant(addDays(due, -7), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(0);
    clock.set(romeInstant(due, 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(0);
  });

  it("Anna's own lists (Slack's Home) show Marco's notice waiting for her approval, then paid", async () => {
    await start();
    await family(marco);
    await post(marco, paid.qrText);
    const annas = () => h.app.engine.overview({ platform: "playground", userId: anna.userId });
    expect((await annas()).pending.map((i) => i.status)).toEqual(["da confermare"]);
    await press(anna, /^Approva e paga/);
    await see(/✅ Pagato/);
    await h.settle();
    expect((await annas()).recent.map((i) => i.status)).toEqual(["pagato"]);
    expect((await annas()).pending).toEqual([]);
  });

  it("a due date typed with the notice is on the card and sets the reminders", async () => {
    await start();
    await family(marco);
    const due = addDays(italianDay(clock.now()), 20);
    await post(
      marco,
      `Codice avviso ${paid.noticeNumber} ente ${paid.fiscalCode}, da pagare entro il ${formatDay(due, "it")}`,
    );
    const shown = h.port.lastCard(group.chatId)?.view.fields.find((f) => f.label === "Scadenza")?.value;
    expect(shown).toBe(`${formatDay(due, "it")} (indicata da Marco)`);
    expect(card().buttons).toContain("Non ricordarmelo");
    clock.set(romeInstant(addDays(due, -7), 9) + 60_000);
    expect(await h.app.engine.remind()).toBe(1);
  });
});
