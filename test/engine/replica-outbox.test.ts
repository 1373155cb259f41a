import { describe, expect, it } from "vitest";
import type { PaymentRecord } from "../../src/engine/records.ts";
import { freezeAfterWrite } from "../helpers/freezing-kv.ts";
import { testNotice } from "../helpers/notices.ts";
import { restartableBots, until } from "../helpers/restarts.ts";

const paid = testNotice("paid");

/**
 * Two replicas on one store. One records a PAID and queues its message, then dies before sending it (its store
 * connection freezes, as a SIGKILL leaves it). Nobody restarts: the live replica must send the message anyway.
 */
describe("a replica dies with a delivery queued in its memory", () => {
  const { start, world, kill } = restartableBots();

  it("the live replica sends the dead one's PAID message within seconds, once", async () => {
    const { clock, sandbox, kv } = await world();
    // Dead right after the PAID message is stored in the outbox (in the same step as the PAID status), before it
    // is sent.
    const freezing = freezeAfterWrite(
      kv,
      (key, value) => key.startsWith("payment:") && (JSON.parse(value) as PaymentRecord).status === "PAID",
    );
    const a = await start({ clock, sandbox, kv: freezing.kv });
    // The live replica's reconciler stays out of it (it would re-read the form and announce PAID itself): only
    // the dead replica's stored delivery can bring the message.
    const b = await start({ clock, sandbox, kv, port: a.port, reconcilerTickMs: 3_600_000 });
    await a.send(paid.qrText);
    await a.see(/Avviso pagoPA/);
    await a.press(/^Paga /);
    await until(freezing.frozen, 15_000);
    kill(a);
    expect(a.texts().some((t) => t.startsWith("✅ Pagato"))).toBe(false);

    // Within seconds of the death (the dead replica's leases lapse in 5 s, the live one looks every 2 s).
    await b.see(/✅ Pagato/, b.chatId, 15_000);
    await b.app.engine.drain();
    expect(b.texts().filter((t) => t.startsWith("✅ Pagato"))).toHaveLength(1);
  }, 40_000);
});
