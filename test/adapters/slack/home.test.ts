import { describe, expect, it } from "vitest";
import { homeView } from "../../../adapters/slack/home.ts";
import type { Cents } from "../../../src/notice/money.ts";
import { seenMessage } from "../../peers/slack/blocks.ts";

const seen = (view: ReturnType<typeof homeView>) => seenMessage(undefined, view.blocks, undefined).text;

describe("the App Home tab", () => {
  it("explains pagobot and its commands in the person's language", () => {
    expect(seen(homeView("it"))).toContain("Pago gli avvisi pagoPA per te");
    expect(seen(homeView("it"))).toContain("/paga storico");
    expect(seen(homeView("en"))).toContain("/pay history");
  });

  it("lists waiting notices and recent payments when the engine's read API gives them", () => {
    const text = seen(
      homeView("it", {
        pending: [
          {
            paymentId: "p1",
            title: "Comune di Borgo Sereno",
            detail: "121,50 € · 29/11/2026",
            status: "da confermare",
            tone: "neutral",
            payee: "Comune di Borgo Sereno",
            totalCents: 12150 as Cents,
            dueDate: "2026-12-30",
            postedBy: "Marco",
            actionable: true,
            about: "da Marco, scade il 30/12/2026",
          },
        ],
        recent: [],
      }),
    );
    expect(text).toContain(
      "Da confermare\n🧾 Comune di Borgo Sereno\n121,50 € · 29/11/2026 · da confermare\nda Marco, scade il 30/12/2026",
    );
    expect(text).toContain("Ultimi pagamenti\nAncora nessun pagamento.");
  });
});
