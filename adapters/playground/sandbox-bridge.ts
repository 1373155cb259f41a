import { randomInt } from "node:crypto";
import type { SandboxAdmin } from "../../src/droppay/sandbox/index.ts";
import { freshNoticeNumber, sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { SandboxFailure } from "../../src/droppay/sandbox/world.ts";
import { formatCents } from "../../src/notice/money.ts";
import { formatNoticeNumber } from "../../src/notice/notice-number.ts";
import { PlaygroundError } from "./errors.ts";
import type { PanelApproval, PanelTestNotice, PlaygroundSandbox } from "./sandbox-port.ts";

/** What a Connection granted from the panel is funded with: the sandbox page's own default. */
const GRANTED_BALANCE_CENTS = 50_000;

/** How "chaos" maps to the sandbox's webhook switches: everything on, with deliveries held up to 1.5 s. */
const CHAOS_ON = { duplicate: true, reorder: true, delayMs: 1500 } as const;
const CHAOS_OFF = { duplicate: false, reorder: false, delayMs: 0 } as const;

/** The side panel's view of the embedded DropPay sandbox, through its admin API. */
export function playgroundSandboxFrom(admin: SandboxAdmin): PlaygroundSandbox {
  const notices: readonly PanelTestNotice[] = sandboxTestNotices.map((n) => ({
    id: n.behaviour.replaceAll("_", "-"),
    label: n.label,
    effect: n.effect,
    payeeName: n.payeeName,
    payeeFiscalCode: n.fiscalCode,
    noticeNumber: n.noticeNumber,
    amountCents: n.amountCents,
    // Printed as the notice's subject: it says at a glance what paying it will do.
    description: `Avviso di prova: ${n.label.it}`,
  }));
  return {
    testNotices: () => notices,
    freshNotice(id) {
      const notice = notices.find((n) => n.id === id);
      // Serials under 1 000 are the documented sample notices; a random one above is new with near certainty
      // (1 in a billion per send), and a repeat would only meet the node's "already paid" for that one send.
      return notice === undefined ? undefined : { ...notice, noticeNumber: freshNoticeNumber(randomInt(1000, 1e9)) };
    },
    async topUp(accountId, cents) {
      try {
        admin.credit(accountId, cents);
      } catch (error) {
        if (error instanceof SandboxFailure) throw new PlaygroundError("not_found", error.message, { cause: error });
        throw error;
      }
    },
    async reset() {
      return admin.reset();
    },
    async nameHolders(names) {
      for (const account of admin.accounts()) {
        const name = account.holderRef === null ? undefined : names.get(account.holderRef);
        if (name !== undefined && account.ownerName !== name) admin.nameAccount(account.id, name);
      }
    },
    async accounts() {
      return admin.accounts().map((a) => ({
        id: a.id,
        owner: a.ownerName,
        iban: a.iban,
        balanceCents: a.balanceCents,
        ...(a.availableCents === a.balanceCents ? {} : { availableCents: a.availableCents }),
        ...(a.holderRef === null ? {} : { holder: a.holderRef }),
      }));
    },
    async approvals() {
      const pending = admin.pendingApprovals();
      const owners = new Map(admin.accounts().map((a) => [a.id, a.ownerName]));
      return [
        ...pending.connections.map(
          (c): PanelApproval => ({
            id: `connection:${c.id}`,
            kind: "connection",
            // Words for a person (the id only to tell two requests apart): what granting it does.
            summary: `pagobot chiede di usare un conto DropPay per pagare (richiesta ${c.id})`,
          }),
        ),
        ...pending.dispositions.map(
          (f): PanelApproval => ({
            id: `payment:${f.id}`,
            kind: "payment",
            summary: `${formatCents(f.totalCents, "it")} · ${f.payeeName ?? f.fiscalCode} · ${formatNoticeNumber(f.noticeNumber)} · ${owners.get(f.accountId) ?? f.accountId}`,
          }),
        ),
      ];
    },
    async decideApproval(id, grant) {
      const [kind, target = ""] = id.split(/:(.*)/s);
      try {
        if (kind === "connection") {
          if (grant) admin.grantConnection(target, { newBalanceCents: GRANTED_BALANCE_CENTS });
          else admin.refuseConnection(target);
        } else if (kind === "payment") {
          if (grant) admin.approveDisposition(target);
          else admin.refuseDisposition(target);
        } else throw new PlaygroundError("not_found", `no approval ${id}`);
      } catch (error) {
        // Already decided, or gone: the panel refreshes and shows the current state.
        if (error instanceof SandboxFailure) throw new PlaygroundError("conflict", error.message, { cause: error });
        throw error;
      }
    },
    async chaos() {
      const chaos = admin.webhooks.chaos();
      return chaos.duplicate || chaos.reorder || chaos.delayMs > 0;
    },
    async setChaos(enabled) {
      admin.webhooks.setChaos(enabled ? CHAOS_ON : CHAOS_OFF);
    },
  };
}
