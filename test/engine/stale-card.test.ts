import { afterEach, describe, expect, it } from "vitest";
import { STALE_CARD_DAYS } from "../../src/engine/context.ts";
import { type Harness, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";

const DAY = 24 * 60 * 60_000;

describe("a card nobody pays", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it(`is closed after ${STALE_CARD_DAYS} days: the form deleted, the card saying why and how to send it again`, async () => {
    h = await startHarness();
    await h.send(testNotice("paid").qrText);
    await h.see(/Avviso pagoPA/);
    const formId = h.sandbox.admin.forms()[0]?.id ?? "";

    // Re-read on its schedule, still open the day before.
    h.clock.advance((STALE_CARD_DAYS - 1) * DAY);
    await h.app.reconciler.runDue();
    await h.app.engine.drain();
    expect(h.port.button(h.chatId, /^Paga /)).toBeDefined();
    expect(h.sandbox.admin.form(formId)?.status).toBe("DRAFT");

    h.clock.advance(DAY + 7 * 3_600_000);
    await h.app.reconciler.runDue();
    await h.app.engine.drain();
    const card = h.port.lastCard(h.chatId)?.view;
    expect(card?.lines).toEqual([
      "Annullato",
      `Chiuso dopo ${STALE_CARD_DAYS} giorni senza pagamento. Per pagarlo, manda di nuovo l'avviso (foto, PDF o codici).`,
    ]);
    expect(card?.buttons).toEqual([]);
    expect(h.sandbox.admin.form(formId)?.status).toBe("DELETED");
    expect(await h.app.store.schedule.ids()).toEqual([]);

    // The notice may be sent again: a new card, payable.
    await h.send(testNotice("paid").qrText);
    await h.port.waitFor(() => h?.port.chat(h.chatId).some((m) => /Paga /.test(m.text)) === true);
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
  });
});
