import { afterEach, describe, expect, it } from "vitest";
import { type Harness, people, startHarness } from "../helpers/harness.ts";
import { testNotice } from "../helpers/notices.ts";
import { restartableBots } from "../helpers/restarts.ts";

const paid = testNotice("paid");

describe("linking a DropPay account", () => {
  const bots = restartableBots();
  /** The card the person sees last, as text. */
  const card = (x: Harness) =>
    x.port
      .chat(x.chatId)
      .filter((m) => m.view.type === "card")
      .at(-1)?.text ?? "";
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  const grantLatest = (harness: Harness) => {
    const connection = harness.sandbox.admin.connections().at(-1);
    if (connection === undefined) throw new Error("no connection");
    return harness.sandbox.admin.grantConnection(connection.id, { newBalanceCents: 250_000 });
  };

  it("keeps a notice sent before linking, and shows its card as soon as the link is granted", async () => {
    h = await startHarness({ live: true });
    await h.send(paid.qrText);
    await h.see(/Per pagare serve un conto DropPay collegato: usa \/collega\. Tengo da parte l'avviso/);
    expect(h.sandbox.admin.forms()).toHaveLength(0);
    await h.command("link");
    const intro = await h.see(/apri il link e conferma il collegamento/);
    expect(intro).toContain("[Collega DropPay]");
    const linkMessage = h.port.chat(h.chatId).at(-1);
    const urlButton = (linkMessage?.view.buttons ?? []).flat()[0];
    expect(urlButton && "url" in urlButton ? urlButton.url : "").toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    grantLatest(h);
    await h.see(/Conto DropPay collegato ✅/);
    await h.see(/Ecco l'avviso che mi avevi mandato\./);
    const card = await h.see(/Avviso pagoPA/);
    expect(card).not.toContain("Conto demo");
    await h.press(/^Paga /);
    await h.see(/✅ Pagato/);
    // The connection code is sealed at rest: no plaintext credential field anywhere in the store.
    const sealed = await h.app.kv.get("credential:playground:u-maria:link");
    expect(sealed?.value).toMatch(/"sealed":"v1\.test\./);
    expect(sealed?.value).not.toMatch(/connectionCode|refreshToken/);
  });

  it("says so when the person refuses the link", async () => {
    h = await startHarness({ live: true });
    await h.command("link");
    await h.see(/conferma il collegamento/);
    const connection = h.sandbox.admin.connections().at(-1);
    h.sandbox.admin.refuseConnection(connection?.id ?? "");
    await h.see(/Collegamento rifiutato\. Puoi riprovare con \/collega\./);
  });

  it("/scollega forgets the credential; /collega again when already linked says so", async () => {
    h = await startHarness({ live: true });
    await h.command("link");
    await h.see(/conferma il collegamento/);
    grantLatest(h);
    await h.see(/Conto DropPay collegato/);
    await h.command("link");
    await h.see(/già collegato/);
    await h.command("unlink");
    await h.see(/Conto scollegato/);
    expect(await h.app.kv.get("credential:playground:u-maria:link")).toBeUndefined();
    await h.send(paid.qrText);
    await h.see(/serve un conto DropPay collegato/);
  });

  it("/scollega on one bot revokes the Connection at DropPay; the other bot on the store asks to link again", async () => {
    const world = await bots.world();
    const a = await bots.start({ live: true, kv: world.kv, sandbox: world.sandbox, clock: world.clock });
    const b = await bots.start({ live: true, kv: world.kv, sandbox: world.sandbox, clock: world.clock });
    await a.command("link");
    await a.see(/conferma il collegamento/);
    grantLatest(a);
    await a.see(/Conto DropPay collegato/);
    // Bot B pays from the linked account (it holds the shared tokens from then on).
    await b.send(paid.qrText);
    await b.see(/Avviso pagoPA/);
    const connection = world.sandbox.admin.connections().at(-1);
    expect(card(b)).not.toContain("Conto demo");
    const sharedTokens = async () => (await world.kv.keys("")).filter((k) => k.includes("droppay-tokens:"));
    expect(await sharedTokens()).toHaveLength(1);
    await a.command("unlink");
    await a.see(/^Conto scollegato: ho cancellato i tuoi dati di accesso a DropPay\.$/);
    expect(world.sandbox.admin.connections().find((c) => c.id === connection?.id)?.status).toBe("DELETED");
    // The shared tokens are gone from the store: no replica can use them.
    expect(await sharedTokens()).toEqual([]);
    await b.send(testNotice("promised").qrText);
    await b.see(/Per pagare serve un conto DropPay collegato: usa \/collega\./);
    expect(world.sandbox.admin.forms()).toHaveLength(1);
  });

  it("DropPay refusing the revocation: unlinked here, and told to revoke access in the DropPay app (it, en)", async () => {
    for (const [person, expected] of [
      [
        people.maria,
        "Conto scollegato: ho cancellato i tuoi dati di accesso a DropPay.\n" +
          "DropPay non ha confermato la revoca dell'accesso: revocalo anche dall'app DropPay, tra i servizi collegati.",
      ],
      [
        people.john,
        "Account unlinked: your DropPay access data has been deleted.\n" +
          "DropPay did not confirm that access was revoked: revoke it in the DropPay app too, under linked services.",
      ],
    ] as const) {
      const x = await bots.start({ live: true });
      await x.command("link", "", person);
      await x.port.waitFor(() => x.texts().length > 0);
      grantLatest(x);
      await x.port.waitFor(() => x.texts().length > 1);
      x.sandbox.admin.faults.inject("connection-delete", {
        kind: "error",
        status: 405,
        body: { code: "100", description: "Method not allowed" },
      });
      await x.command("unlink", "", person);
      await x.port.waitFor(() => x.texts().at(-1) === expected);
      expect(x.sandbox.admin.connections().at(-1)?.status).toBe("GRANTED");
      // Unlinked here all the same: a notice asks for a link.
      await x.send(paid.qrText, person);
      await x.port.waitFor(() => /DropPay/.test(x.texts().at(-1) ?? "") && x.texts().length > 3);
      expect(x.texts().at(-1)).toMatch(person === people.maria ? /usa \/collega/ : /use \/link/);
    }
  });

  it("a link DropPay no longer honours: the person is asked to link again and the notice is kept", async () => {
    h = await startHarness({ live: true });
    await h.command("link");
    await h.see(/conferma il collegamento/);
    grantLatest(h);
    await h.see(/Conto DropPay collegato/);
    h.sandbox.admin.expireTokens();
    // Every token request is refused from now on: the connection code was revoked.
    h.sandbox.admin.faults.inject(
      "token",
      { kind: "error", status: 401, body: { code: "100", description: "Wrong credentials" } },
      { times: 10 },
    );
    await h.send(paid.qrText);
    await h.see(/Il collegamento con DropPay non è più valido: ricollega il conto con \/collega\./);
    h.sandbox.admin.faults.clear();
    await h.command("link");
    await h.port.waitFor(() => h?.texts().filter((t) => /conferma il collegamento/.test(t)).length === 2);
    grantLatest(h);
    await h.see(/Avviso pagoPA/);
  });

  it("works in the embedded mode too, where an unlinked person pays from a demo account", async () => {
    h = await startHarness();
    await h.command("start", "", people.john);
    await h.see(/you pay from a sandbox demo account/);
    await h.command("link", "", people.john);
    await h.see(/Open the DropPay sandbox page and confirm the link\./);
  });
});
