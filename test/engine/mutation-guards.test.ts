import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/index.ts";
import { defaultTiming, type EngineContext } from "../../src/engine/context.ts";
import type { EventAck } from "../../src/engine/events.ts";
import { applyForm } from "../../src/engine/flows/apply-status.ts";
import { pressPay, refusePress } from "../../src/engine/flows/confirm-payment.ts";
import { pressCancel } from "../../src/engine/flows/manage-payment.ts";
import { recoverPayment } from "../../src/engine/flows/recover-payment.ts";
import type { PaymentForm, PaymentGateway, PspStatus } from "../../src/engine/gateway-port.ts";
import { openNoticeKey } from "../../src/engine/ids.ts";
import { createLeaseKeeper } from "../../src/engine/lease.ts";
import { createOutbox, type NewDelivery, type Outbox } from "../../src/engine/outbox.ts";
import { deliveryIds, PHASE_MOVES, rests, transition } from "../../src/engine/payment-machine.ts";
import { isForward } from "../../src/engine/payment-status.ts";
import type { Delivery, PaymentPhase, PaymentRecord } from "../../src/engine/records.ts";
import type { NoticeScanner } from "../../src/engine/scanner-port.ts";
import type { EngineStore } from "../../src/engine/store-port.ts";
import { silentLogger } from "../../src/log/logger.ts";
import { toCents } from "../../src/notice/money.ts";
import { createEngineStore } from "../../src/store/engine-store.ts";
import { createMemoryKv } from "../../src/store/memory-kv.ts";
import { RecordingChatPort } from "../helpers/recording-chat-port.ts";

/**
 * The money path's guards, each checked where it decides, on a store and an engine context built by hand (no
 * sandbox, no chat): these are the cases the mutation run (npm run test:mutation) found the end-to-end suites do
 * not tell apart.
 */

const chat = { platform: "telegram" as const, chatId: "c-1", kind: "private" as const };

function form(status: PspStatus, id = "f-1"): PaymentForm {
  return {
    id,
    status,
    noticeNumber: "301000000000000001",
    fiscalCode: "00000000001",
    payeeName: "Comune di Prova",
    description: null,
    amountCents: toCents(1_000),
    feeCents: toCents(100),
    agioCents: toCents(0),
    dueDate: null,
    scheduledDate: null,
    settlementDate: null,
    lastModified: null,
    iur: null,
    failureReason: null,
    account: { ownerName: "Maria", iban: null, balanceCents: null },
    canBook: true,
    canSchedule: true,
  };
}

function payment(overrides: Partial<PaymentRecord> = {}): PaymentRecord {
  return {
    id: "p-1",
    chat,
    ownerId: "u-maria",
    ownerName: "Maria",
    locale: "it",
    payer: { kind: "demo", personKey: "telegram:u-maria" },
    notice: {
      noticeNumber: "301000000000000001",
      fiscalCode: "00000000001",
      rptId: "00000000001301000000000000001",
      qrText: null,
      amountCents: toCents(1_000),
    },
    phase: "open",
    status: "DRAFT",
    formId: "f-1",
    form: null,
    shown: null,
    cardSlot: "card:p-1",
    cardVersion: 1,
    note: null,
    booked: false,
    scheduledDate: null,
    confirmedBy: null,
    confirmedAt: null,
    executedAt: null,
    executePosts: 0,
    executeAnswered: false,
    announced: [],
    closedReason: null,
    createdAt: 0,
    updatedAt: 0,
    ...overrides,
  };
}

/** Gateway calls a test does not expect fail loudly. */
function gatewayOf(calls: Partial<PaymentGateway>): PaymentGateway {
  return new Proxy(calls, {
    get(target, name) {
      const call = (target as Record<string | symbol, unknown>)[name];
      return call ?? (() => Promise.reject(new Error(`unexpected gateway call ${String(name)}`)));
    },
  }) as PaymentGateway;
}

interface ContextOptions {
  readonly gateway?: Partial<PaymentGateway>;
  readonly now?: number;
  /** Another replica's change, made right after the flow's first read of the payment (before its claim). */
  readonly afterFirstRead?: (current: PaymentRecord) => PaymentRecord;
}

function contextOf(options: ContextOptions = {}) {
  const shared = createEngineStore(createMemoryKv());
  const race = options.afterFirstRead;
  let raced = false;
  const store: EngineStore =
    race === undefined
      ? shared
      : {
          ...shared,
          payments: {
            ...shared.payments,
            async get(id) {
              const value = await shared.payments.get(id);
              if (!raced) {
                raced = true;
                await shared.payments.update(id, race);
              }
              return value;
            },
          },
        };
  const clock = createManualClock(options.now ?? 1_000_000);
  const sent: NewDelivery[] = [];
  const outbox: Outbox = {
    registerPort() {},
    async send(delivery) {
      sent.push(delivery);
    },
    async sendAll(deliveries) {
      sent.push(...deliveries);
    },
    // Staged with a payment's change: stored by its commit like any delivery, seen here once queued (the test
    // reads only the id and the view, which a staged entry keeps as given).
    stage(delivery) {
      const id = delivery.id ?? `d-${sent.length}`;
      const entry = { ...delivery, id } as unknown as Delivery;
      return { entry, step: shared.outbox.along.create(id, entry) };
    },
    queue(entries) {
      sent.push(...(entries as unknown as NewDelivery[]));
    },
    async resume() {},
    adoptOrphans: async () => 0,
    activity() {},
    async idle() {},
    stop() {},
    paymentChanged() {},
  };
  const background: string[] = [];
  const locks = new Map<string, Promise<unknown>>();
  const ctx: EngineContext = {
    store,
    gateway: gatewayOf(options.gateway ?? {}),
    // Neither is reached by the payment path's flows under test.
    scanner: {} as NoticeScanner,
    webhooks: { forPayment: async () => "", forLink: async () => "" },
    clock,
    logger: silentLogger,
    outbox,
    timing: defaultTiming,
    defaultLocale: "it",
    leases: createLeaseKeeper(store, "test"),
    background(label) {
      background.push(label);
    },
    async sleep() {},
    exclusive(key, work) {
      const next = (locks.get(key) ?? Promise.resolve()).then(work, work);
      locks.set(
        key,
        next.catch(() => {}),
      );
      return next;
    },
  };
  return { ctx, store: shared, clock, sent, background };
}

describe("the forward-only status rule (isForward)", () => {
  it.each([
    [null, "DRAFT", true],
    [null, "PAID", true],
    ["DRAFT", "READY", true],
    ["READY", "BOOKED", true],
    ["BOOKED", "READY", true],
    ["READY", "DRAFT", true],
    ["READY", "READY", false],
    ["BOOKED", "BOOKED", false],
    ["READY", "SCHEDULED", true],
    ["SCHEDULED", "READY", false],
    ["SCHEDULED", "SCHEDULED", false],
    ["SCHEDULED", "RUNNING", true],
    ["RUNNING", "RUNNING", false],
    ["RUNNING", "SCHEDULED", false],
    ["PROMISED", "RUNNING", false],
    ["PROMISED", "PAID", true],
    ["RUNNING", "FAILED", true],
    ["PAID", "FAILED", false],
    ["PAID", "PAID", false],
    ["DELETED", "READY", false],
    ["CANCELLED", "DRAFT", false],
  ] as [PspStatus | null, PspStatus, boolean][])("%s → %s: %s", (from, to, allowed) => {
    expect(isForward(from, to)).toBe(allowed);
  });
});

describe("whether a payment rests (recovery leaves it alone)", () => {
  it.each([
    ["open", {}, true],
    ["closed", {}, true],
    ["awaiting_link", {}, true],
    ["confirming", {}, false],
    ["cancelling", {}, false],
    ["updating", {}, false],
    ["creating", {}, false],
    ["executing", { status: "READY", executePosts: 1 }, false],
    ["executing", { status: "BOOKED", executePosts: 1 }, false],
    ["executing", { status: "DRAFT", executePosts: 1 }, false],
    ["executing", { status: "READY", executePosts: 1, executeAnswered: true }, true],
    ["executing", { status: "READY", executePosts: 2 }, true],
    ["executing", { status: "RUNNING", executePosts: 1 }, true],
    ["executing", { status: "SCHEDULED", executePosts: 1 }, true],
  ] as [PaymentRecord["phase"], Partial<PaymentRecord>, boolean][])("%s %o: %s", (phase, fields, resting) => {
    expect(rests(payment({ phase, ...fields }))).toBe(resting);
  });
});

describe("the fixed delivery ids (the outbox stores each once)", () => {
  it("names a card version and a status announcement by the payment, and nothing else", () => {
    expect(deliveryIds.card("p-1", 3)).toBe("card:p-1:3");
    expect(deliveryIds.status("p-1", "PAID")).toBe("status:p-1:PAID");
  });
});

describe("a transition", () => {
  it("refuses a move the diagram does not allow, leaving the record as it was", async () => {
    const { ctx, store } = contextOf();
    await store.payments.put("p-1", payment({ phase: "closed", status: "PAID", cardVersion: 4 }));
    const result = await transition(ctx, "p-1", (cur) => ({ ...cur, phase: "open" }));
    expect(result.applied).toBe(false);
    const after = await store.payments.get("p-1");
    expect(after?.phase).toBe("closed");
    expect(after?.cardVersion).toBe(4);
  });

  it("bumps the card's version by one for a change the card shows, and not for bookkeeping", async () => {
    const { ctx, store } = contextOf();
    await store.payments.put("p-1", payment({ phase: "executing", status: "READY", executePosts: 1, cardVersion: 2 }));
    await transition(ctx, "p-1", (cur) => ({ ...cur, executeAnswered: true }), { shown: false });
    expect((await store.payments.get("p-1"))?.cardVersion).toBe(2);
    await transition(ctx, "p-1", (cur) => ({ ...cur, phase: "open" }));
    expect((await store.payments.get("p-1"))?.cardVersion).toBe(3);
  });
});

/** The state diagram's moves, written out here rather than read from PHASE_MOVES (the test would be its echo). */
const DIAGRAM = new Set([
  "awaiting_link → creating",
  "awaiting_link → closed",
  "creating → open",
  "creating → awaiting_link",
  "creating → closed",
  "open → open",
  "open → confirming",
  "open → updating",
  "open → cancelling",
  "open → executing",
  "open → closed",
  "updating → updating",
  "updating → open",
  "updating → executing",
  "updating → closed",
  "confirming → confirming",
  "confirming → open",
  "confirming → executing",
  "confirming → closed",
  "executing → executing",
  "executing → open",
  "executing → cancelling",
  "executing → closed",
  "cancelling → cancelling",
  "cancelling → open",
  "cancelling → executing",
  "cancelling → closed",
]);
const PHASES: readonly PaymentPhase[] = [
  "awaiting_link",
  "creating",
  "open",
  "updating",
  "confirming",
  "executing",
  "cancelling",
  "closed",
];
const EVERY_MOVE = PHASES.flatMap((from) =>
  PHASES.map((to) => [from, to, DIAGRAM.has(`${from} → ${to}`)] as [PaymentPhase, PaymentPhase, boolean]),
);

describe("PHASE_MOVES, move by move", () => {
  it("allows exactly the diagram's moves", () => {
    const table = PHASES.flatMap((from) => PHASE_MOVES[from].map((to) => `${from} → ${to}`));
    expect(new Set(table)).toEqual(DIAGRAM);
    expect(PHASE_MOVES.closed).toEqual([]);
  });

  it.each(EVERY_MOVE)("%s → %s: allowed %s", async (from, to, allowed) => {
    const { ctx, store } = contextOf();
    const before = payment({
      phase: from,
      status: "READY",
      executePosts: from === "executing" ? 1 : 0,
      cardVersion: 3,
    });
    await store.payments.put("p-1", before);
    const result = await transition(ctx, "p-1", (cur) => ({ ...cur, phase: to }));
    expect(result.applied).toBe(allowed);
    const after = await store.payments.get("p-1");
    if (allowed) {
      expect(after?.phase).toBe(to);
      expect(after?.cardVersion).toBe(4);
    } else {
      // Refused: the record is exactly as it was, its card's version included.
      expect(after).toEqual(before);
    }
  });
});

describe("a Paga that did not go through, back to the card", () => {
  it.each([
    "confirming",
    "executing",
  ] as const)("from %s: the next Paga is a new attempt, with its own disposition POSTs", async (from) => {
    const { ctx, store } = contextOf();
    await store.payments.put(
      "p-1",
      payment({ phase: from, status: "READY", executePosts: 1, executeLost: true, executedAt: 5, confirmedAt: 1 }),
    );
    const result = await transition(ctx, "p-1", (cur) => ({ ...cur, phase: "open", note: "Rifiutato" }));
    expect(result.applied).toBe(true);
    const after = await store.payments.get("p-1");
    expect(after).toMatchObject({ phase: "open", note: "Rifiutato", executePosts: 0, executeLost: false });
    expect(after?.executedAt).toBeNull();
    expect(after?.executeAnswered).toBe(false);
  });

  it.each([
    ["executing", "executing"],
    ["executing", "cancelling"],
    ["cancelling", "open"],
  ] as const)("%s → %s keeps the attempt's count of POSTs", async (from, to) => {
    const { ctx, store } = contextOf();
    await store.payments.put("p-1", payment({ phase: from, status: "SCHEDULED", executePosts: 1, executedAt: 5 }));
    await transition(ctx, "p-1", (cur) => ({ ...cur, phase: to }));
    const after = await store.payments.get("p-1");
    expect(after?.phase).toBe(to);
    expect(after?.executePosts).toBe(1);
  });
});

const maria = { userId: "u-maria", name: "Maria", locale: "it-IT" };

describe("the claims, when the payment moves between the press's read and its claim", () => {
  it("Paga on a card edited meanwhile: refused as stale, nothing claimed", async () => {
    const { ctx, store, background } = contextOf({ afterFirstRead: (cur) => ({ ...cur, cardVersion: 2 }) });
    await store.payments.put("p-1", payment({ phase: "open", status: "READY", cardVersion: 1 }));
    const ack = await pressPay(ctx, "p-1", 1, maria);
    expect(ack.toast).toBe("Questo riepilogo è cambiato: usa i pulsanti del riepilogo aggiornato.");
    expect((await store.payments.get("p-1"))?.phase).toBe("open");
    expect(background).toEqual([]);
  });

  it("Annulla after the payment started running: refused, the payment keeps executing and nothing is deleted", async () => {
    const { ctx, store, background } = contextOf({
      afterFirstRead: (cur) => ({ ...cur, phase: "executing", status: "RUNNING", executePosts: 1 }),
    });
    await store.payments.put("p-1", payment({ phase: "open", status: "READY" }));
    const ack = await pressCancel(ctx, "p-1", maria);
    expect(ack.toast).toBe("Il pagamento è già in corso.");
    expect((await store.payments.get("p-1"))?.phase).toBe("executing");
    expect(background).toEqual([]);
  });

  it.each([
    [
      "running",
      payment({ phase: "executing", status: "RUNNING", executePosts: 1 }),
      { toast: "Il pagamento è già partito: non si può più annullare.", alert: true },
    ],
    ["being confirmed", payment({ phase: "confirming", status: "READY" }), { toast: "Il pagamento è già in corso." }],
  ] as [
    string,
    PaymentRecord,
    EventAck,
  ][])("Annulla of a payment %s: refused, nothing claimed", async (_case, p, refusal) => {
    const { ctx, store, background } = contextOf();
    await store.payments.put("p-1", p);
    expect(await pressCancel(ctx, "p-1", maria)).toEqual(refusal);
    expect((await store.payments.get("p-1"))?.phase).toBe(p.phase);
    expect(background).toEqual([]);
  });

  it("Annulla of a scheduled payment is claimed (executing, SCHEDULED → cancelling)", async () => {
    const { ctx, store, background } = contextOf();
    await store.payments.put("p-1", payment({ phase: "executing", status: "SCHEDULED", executePosts: 1 }));
    const ack = await pressCancel(ctx, "p-1", maria);
    expect(ack.toast).toBe("Annullo…");
    expect((await store.payments.get("p-1"))?.phase).toBe("cancelling");
    expect(background).toEqual(["cancel"]);
  });
});

describe("recovery of a disposition whose sender died (the takeover claim)", () => {
  const executing = (overrides: Partial<PaymentRecord> = {}) =>
    payment({ phase: "executing", status: "READY", executePosts: 1, executedAt: 0, ...overrides });

  it("sends it once more when the form is untouched after the grace", async () => {
    let posts = 0;
    const { ctx, store } = contextOf({
      gateway: {
        getForm: async () => form("READY"),
        executeForm: async () => {
          posts++;
          return { form: form("RUNNING"), outcome: "accepted" };
        },
      },
    });
    await store.payments.put("p-1", executing());
    expect(await recoverPayment(ctx, "p-1")).toBe(true);
    expect(posts).toBe(1);
    const after = await store.payments.get("p-1");
    expect(after?.executePosts).toBe(2);
    expect(after?.status).toBe("RUNNING");
  });

  it("sends nothing when the first sender's answer is recorded while recovery reads the form", async () => {
    let posts = 0;
    const { ctx, store } = contextOf({
      gateway: {
        getForm: async () => {
          await store.payments.update("p-1", (cur) => ({ ...cur, executeAnswered: true }));
          return form("READY");
        },
        executeForm: async () => {
          posts++;
          return { form: form("RUNNING"), outcome: "accepted" };
        },
      },
    });
    await store.payments.put("p-1", executing());
    await recoverPayment(ctx, "p-1");
    expect(posts).toBe(0);
    expect((await store.payments.get("p-1"))?.executePosts).toBe(1);
  });

  it("waits the sender's grace before reading, and the full R8 delay after a lost answer", async () => {
    let reads = 0;
    const { ctx, store, clock } = contextOf({
      gateway: {
        getForm: async () => {
          reads++;
          return form("RUNNING");
        },
      },
    });
    const now = clock.now();
    await store.payments.put("p-1", executing({ executedAt: now - defaultTiming.deadSenderGraceMs + 1 }));
    await recoverPayment(ctx, "p-1");
    expect(reads).toBe(0);
    await store.payments.put(
      "p-1",
      executing({ executedAt: now - defaultTiming.deadSenderGraceMs, executeLost: true }),
    );
    await recoverPayment(ctx, "p-1");
    expect(reads).toBe(0);
    await store.payments.put("p-1", executing({ executedAt: now - defaultTiming.deadSenderGraceMs }));
    await recoverPayment(ctx, "p-1");
    expect(reads).toBe(1);
    expect((await store.payments.get("p-1"))?.status).toBe("RUNNING");
  });

  it("carries out a confirmation exactly as old as its time to live, and shows the card again after it", async () => {
    let reads = 0;
    const { ctx, store, clock } = contextOf({
      gateway: {
        getForm: async () => {
          reads++;
          return form("RUNNING");
        },
      },
    });
    const now = clock.now();
    await store.payments.put(
      "p-1",
      payment({ phase: "confirming", status: "READY", confirmedAt: now - defaultTiming.confirmationTtlMs }),
    );
    await recoverPayment(ctx, "p-1");
    expect(reads).toBe(1);
    await store.payments.put(
      "p-1",
      payment({ phase: "confirming", status: "READY", confirmedAt: now - defaultTiming.confirmationTtlMs - 1 }),
    );
    await recoverPayment(ctx, "p-1");
    expect(reads).toBe(1);
    const after = await store.payments.get("p-1");
    expect(after?.phase).toBe("open");
    expect(after?.note).toBe("Controlla i dati e premi Paga.");
  });

  it("leaves a payment alone while another holder has its flow lease", async () => {
    const { ctx, store } = contextOf();
    await store.payments.put("p-1", executing());
    const held = await createLeaseKeeper(store, "other").take("flow:p-1");
    expect(held).toBeDefined();
    expect(await recoverPayment(ctx, "p-1")).toBe(false);
    await held?.release();
  });
});

describe("recovery of a record an earlier version left half done", () => {
  it("queues the card and the PAID message it never queued, once, and frees the notice and the schedule", async () => {
    const { ctx, store, sent } = contextOf();
    // PAID recorded by a version that queued views after the write: the process died in between, leaving the
    // record marked, its card of version 3 and its PAID message unqueued, and the payment not yet settled.
    const paid = payment({
      phase: "closed",
      status: "PAID",
      form: form("PAID"),
      cardVersion: 3,
      announced: ["PAID"],
      queued: { cardVersion: 2, announced: 0 },
    });
    await store.payments.put("p-1", paid);
    await store.inflight.mark("p-1");
    await store.openNotices.put(openNoticeKey(chat, paid.notice.rptId), { paymentId: "p-1" });
    await store.schedule.put("payment:p-1", { kind: "payment", id: "p-1", dueAt: 0, attempt: 0, since: 0 });

    expect(await recoverPayment(ctx, "p-1")).toBe(true);
    expect(await recoverPayment(ctx, "p-1")).toBe(true);
    expect(sent.map((d) => d.id)).toEqual([deliveryIds.card("p-1", 3), deliveryIds.status("p-1", "PAID")]);
    expect(sent[1]?.view).toMatchObject({ type: "text", text: expect.stringMatching(/^✅ Pagato/) });
    expect((await store.payments.get("p-1"))?.queued).toEqual({ cardVersion: 3, announced: 1 });
    expect(await store.inflight.ids()).toEqual([]);
    expect(await store.openNotices.ids()).toEqual([]);
    expect(await store.schedule.ids()).toEqual([]);
  });
});

describe("the outbox's dedup by fixed delivery id", () => {
  const outboxOn = (kv: ReturnType<typeof createMemoryKv>) => {
    const store = createEngineStore(kv);
    const outbox = createOutbox({
      store,
      clock: createManualClock(),
      logger: silentLogger,
      leases: createLeaseKeeper(store, "r1"),
    });
    return { store, outbox };
  };

  it("a status queued twice before it could be sent is still sent after a restart, once", async () => {
    const chat = { platform: "playground" as const, chatId: "c-1", kind: "private" as const };
    const kv = createMemoryKv();
    const first = outboxOn(kv);
    // No chat adapter yet: both stay stored; the second finds the first and must not drop its pending mark.
    await first.outbox.send({ id: "status:p-1:PAID", chat, view: { type: "text", text: "✅ Pagato" } });
    await first.outbox.send({ id: "status:p-1:PAID", chat, view: { type: "text", text: "✅ Pagato" } });
    first.outbox.stop();
    const second = outboxOn(kv);
    const port = new RecordingChatPort();
    second.outbox.registerPort(port);
    await second.outbox.resume();
    await second.outbox.idle();
    expect(port.texts(chat.chatId)).toEqual(["✅ Pagato"]);
  });
});

describe("the flow lease", () => {
  it("is taken by one keeper only, and none is taken by a keeper that stopped (it hands work over, takes none)", async () => {
    const store = createEngineStore(createMemoryKv());
    const a = createLeaseKeeper(store, "a");
    const b = createLeaseKeeper(store, "b");
    const held = await a.take("flow:p-1");
    expect(held).toBeDefined();
    expect(await b.take("flow:p-1")).toBeUndefined();
    await a.releaseAll();
    expect(await store.leases.get("flow:p-1")).toBeUndefined();
    expect(await a.take("flow:p-2")).toBeUndefined();
    expect(await store.leases.get("flow:p-2")).toBeUndefined();
    const taken = await b.take("flow:p-1");
    expect(taken).toBeDefined();
    await taken?.release();
  });
});

describe("who may press a payment's button, and when (refusePress)", () => {
  const luca = { userId: "u-luca", name: "Luca", locale: "it" };
  it.each([
    [
      "someone else's payment",
      payment(),
      luca,
      1,
      { toast: "Solo Maria può decidere su questo pagamento.", alert: true },
    ],
    [
      "a closed payment",
      payment({ phase: "closed", status: "PAID" }),
      maria,
      1,
      { toast: "Questo pagamento è già concluso." },
    ],
    [
      "a payment already confirming",
      payment({ phase: "confirming" }),
      maria,
      1,
      { toast: "Il pagamento è già in corso." },
    ],
    [
      "an older card",
      payment({ cardVersion: 2 }),
      maria,
      1,
      { toast: "Questo riepilogo è cambiato: usa i pulsanti del riepilogo aggiornato.", alert: true },
    ],
    ["the current card", payment({ cardVersion: 2 }), maria, 2, null],
    ["a button that does not name a card version (Annulla)", payment({ cardVersion: 2 }), maria, null, null],
  ] as [
    string,
    PaymentRecord,
    typeof maria,
    number | null,
    EventAck | null,
  ][])("%s", async (_case, p, from, cardVersion, refusal) => {
    const { ctx } = contextOf();
    expect(await refusePress(ctx, p, from, cardVersion)).toEqual(refusal);
  });

  it("a button of a payment no longer stored has expired", async () => {
    const { ctx } = contextOf();
    expect(await refusePress(ctx, undefined, maria, 1)).toEqual({ toast: "Questo pulsante non è più valido." });
  });
});

describe("applying a form read from the PSP (applyForm)", () => {
  it("ignores a form of another id, whatever its status", async () => {
    const { ctx, store, sent } = contextOf();
    await store.payments.put("p-1", payment({ phase: "executing", status: "RUNNING", executePosts: 1 }));
    const after = await applyForm(ctx, "p-1", form("PAID", "f-other"));
    expect(after?.status).toBe("RUNNING");
    expect(after?.phase).toBe("executing");
    expect(sent).toEqual([]);
  });

  it("records a forward status once: the same status read again changes nothing and queues nothing", async () => {
    const { ctx, store, sent } = contextOf();
    await store.payments.put("p-1", payment({ phase: "executing", status: "RUNNING", executePosts: 1 }));
    const paid = await applyForm(ctx, "p-1", form("PAID"));
    expect(paid?.phase).toBe("closed");
    expect(paid?.announced).toEqual(["PAID"]);
    const queued = sent.map((d) => d.id);
    expect(queued).toContain("status:p-1:PAID");
    await applyForm(ctx, "p-1", form("PAID"));
    await applyForm(ctx, "p-1", form("RUNNING"));
    expect(sent.map((d) => d.id)).toEqual(queued);
    expect((await store.payments.get("p-1"))?.status).toBe("PAID");
  });
});
