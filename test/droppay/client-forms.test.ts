import { describe, expect, it } from "vitest";
import { createManualClock } from "../../src/droppay/clock.ts";
import { sandboxTestNotices } from "../../src/droppay/sandbox/index.ts";
import { account, clientFor, eventually, plainNotice, sandbox, webhookListener } from "./helpers.ts";

const testNotice = (behaviour: string) => {
  const notice = sandboxTestNotices.find((n) => n.behaviour === behaviour);
  if (notice === undefined) throw new Error(`no test notice ${behaviour}`);
  return notice;
};

describe("DropPay client against the sandbox: forms", () => {
  it("creates a DRAFT from codes alone with the node's payee, reason, amount, fee and the paying account", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, {
      noticeNumber: plainNotice.noticeNumber,
      fiscalCode: plainNotice.fiscalCode,
    });
    expect(form.status).toBe("DRAFT");
    expect(form.id).toMatch(/^PPA[0-9A-Z]{9}$/);
    expect(form.noticeNumber).toBe(plainNotice.noticeNumber);
    expect(form.payeeName).toMatch(/\S/);
    expect(form.causale).toMatch(/\S/);
    expect(form.noticeAmountCents).toBeGreaterThanOrEqual(1000);
    expect(form.feeCents).toBeGreaterThan(0);
    expect(form.totalCents).toBe(form.noticeAmountCents + form.feeCents + form.agioCents);
    expect(form.source).toMatchObject({ id: payer.id, balanceCents: 50_000 });
    // codes alone give the same amount every time, in any sandbox
    const other = await sandbox({ seed: 99 });
    const again = await clientFor(other).createForm(account(other).tokens, {
      noticeNumber: plainNotice.noticeNumber,
      fiscalCode: plainNotice.fiscalCode,
    });
    expect(again.noticeAmountCents).toBe(form.noticeAmountCents);
    expect(again.payeeName).toBe(form.payeeName);
  });

  it("takes the amount of the QR text when the notice is first presented with it", async () => {
    const sb = await sandbox();
    const form = await clientFor(sb).createForm(account(sb, 200_000).tokens, plainNotice);
    expect(form.noticeAmountCents).toBe(103069);
    expect(form.qrText).toBe(plainNotice.qrText);
    expect(form.feeCents).toBe(150);
  });

  it("reads a form back as it is", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb);
    const created = await client.createForm(payer.tokens, testNotice("paid"));
    const read = await client.getForm(payer.tokens, created.id);
    expect(read).toMatchObject({
      id: created.id,
      status: "DRAFT",
      noticeAmountCents: 12050,
      payeeName: "Comune di Borgo Sereno",
    });
  });

  it("READY checks the balance, BOOKED reserves the total, DRAFT frees it again", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    const total = form.totalCents;
    expect(total).toBe(12150);

    const ready = await client.updateForm(payer.tokens, form.id, { status: "READY" });
    expect(ready.status).toBe("READY");
    expect(ready.source?.balanceCents).toBe(50_000);

    const booked = await client.updateForm(payer.tokens, form.id, { status: "BOOKED" });
    expect(booked.status).toBe("BOOKED");
    expect(booked.source?.balanceCents).toBe(50_000 - total);
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 50_000, reservedCents: total });

    const sameAgain = await client.updateForm(payer.tokens, form.id, { status: "BOOKED" });
    expect(sameAgain.source?.balanceCents).toBe(50_000 - total);

    const backToReady = await client.updateForm(payer.tokens, form.id, { status: "READY" });
    expect(backToReady.status).toBe("READY");
    expect(backToReady.source?.balanceCents).toBe(50_000);

    await client.updateForm(payer.tokens, form.id, { status: "BOOKED" });
    const draft = await client.updateForm(payer.tokens, form.id, { status: "DRAFT" });
    expect(draft.status).toBe("DRAFT");
    expect(draft.source?.balanceCents).toBe(50_000);
  });

  it("executes a READY form: RUNNING at once, then PAID with an IUR and the account charged", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    await client.updateForm(payer.tokens, form.id, { status: "READY" });
    const result = await client.executeForm(payer.tokens, form.id);
    expect(result).toMatchObject({ outcome: "accepted", readBack: false, form: { status: "RUNNING" } });
    expect(result.form.source?.balanceCents).toBe(50_000 - 12150);
    const paid = await eventually(async () => {
      const f = await client.getForm(payer.tokens, form.id);
      return f.status === "PAID" ? f : undefined;
    });
    expect(paid.iur).toMatch(/^[0-9A-Z]{13}$/);
    expect(paid.settlementDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(50_000 - 12150);
  });

  it("executes a BOOKED form from its reservation", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    await client.updateForm(payer.tokens, form.id, { status: "BOOKED" });
    const { form: running } = await client.executeForm(payer.tokens, form.id);
    expect(running.status).toBe("RUNNING");
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 50_000 - 12150, reservedCents: 0 });
  });

  it("a FAILED payment gives the money back", async () => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("failed"));
    await client.updateForm(payer.tokens, form.id, { status: "READY" });
    await client.executeForm(payer.tokens, form.id);
    await eventually(() => (sb.admin.form(form.id)?.status === "FAILED" ? true : undefined));
    expect(sb.admin.accounts()[0]?.balanceCents).toBe(50_000);
  });

  it("a PROMISED payment becomes PAID", async () => {
    const sb = await sandbox();
    const listener = await webhookListener();
    const client = clientFor(sb);
    const payer = account(sb);
    const form = await client.createForm(payer.tokens, { ...testNotice("promised"), webhookUrl: listener.url() });
    await client.updateForm(payer.tokens, form.id, { status: "READY" });
    await client.executeForm(payer.tokens, form.id);
    await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined));
    await sb.admin.webhooks.idle();
    expect(listener.statuses()).toEqual(["DRAFT", "READY", "RUNNING", "PROMISED", "PAID"]);
  });

  it("a future date_scheduled gives SCHEDULED, which runs when the clock reaches the day", async () => {
    const clock = createManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
    const sb = await sandbox({ clock });
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    const dated = await client.updateForm(payer.tokens, form.id, { status: "READY", scheduledDate: "2026-03-05" });
    expect(dated.scheduledDate).toBe("2026-03-05");
    const { form: scheduled, outcome } = await client.executeForm(payer.tokens, form.id);
    expect(outcome).toBe("accepted");
    expect(scheduled.status).toBe("SCHEDULED");
    expect(sb.admin.accounts()[0]?.reservedCents).toBe(12150);

    clock.advance(2 * 86_400_000);
    expect(sb.admin.runScheduled()).toBe(0); // 4 March: not yet
    clock.advance(86_400_000);
    expect(sb.admin.runScheduled()).toBe(1);
    await eventually(() => (sb.admin.form(form.id)?.status === "PAID" ? true : undefined));
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 50_000 - 12150, reservedCents: 0 });
  });

  it("refuses a date_scheduled in the past (400/100) and clears a date with null", async () => {
    const clock = createManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
    const sb = await sandbox({ clock });
    const client = clientFor(sb);
    const payer = account(sb);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    await expect(client.updateForm(payer.tokens, form.id, { scheduledDate: "2026-03-01" })).rejects.toMatchObject({
      status: 400,
      code: "bad_request",
    });
    await client.updateForm(payer.tokens, form.id, { scheduledDate: "2026-03-10", description: "Mensa marzo" });
    const cleared = await client.updateForm(payer.tokens, form.id, { scheduledDate: null });
    expect(cleared).toMatchObject({ scheduledDate: null, description: "Mensa marzo" });
  });

  it.each([
    ["DRAFT"],
    ["READY"],
    ["BOOKED"],
  ] as const)("DELETE from %s gives DELETED and frees the money", async (from) => {
    const sb = await sandbox();
    const client = clientFor(sb);
    const payer = account(sb, 50_000);
    const form = await client.createForm(payer.tokens, testNotice("paid"));
    if (from !== "DRAFT") await client.updateForm(payer.tokens, form.id, { status: from });
    const deleted = await client.deleteForm(payer.tokens, form.id);
    expect(deleted.status).toBe("DELETED");
    expect(deleted.feeCents).toBe(100); // the DELETE answer carries the fee as a bare number
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 50_000, reservedCents: 0 });
  });

  it("DELETE of a SCHEDULED form gives CANCELLED; of a RUNNING one ABORTED with the money back", async () => {
    const clock = createManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
    const sb = await sandbox({ clock, timing: { settleMs: 30, promisedMs: 60, slowMs: 600 } });
    const client = clientFor(sb, { timeoutMs: 5_000 });
    const payer = account(sb, 50_000);
    const scheduled = await client.createForm(payer.tokens, testNotice("paid"));
    await client.updateForm(payer.tokens, scheduled.id, { status: "READY", scheduledDate: "2026-03-09" });
    await client.executeForm(payer.tokens, scheduled.id);
    expect((await client.deleteForm(payer.tokens, scheduled.id)).status).toBe("CANCELLED");

    const slow = testNotice("slow");
    const running = await client.createForm(payer.tokens, {
      noticeNumber: slow.noticeNumber,
      fiscalCode: slow.fiscalCode,
    });
    await client.updateForm(payer.tokens, running.id, { status: "READY" });
    expect((await client.executeForm(payer.tokens, running.id)).form.status).toBe("RUNNING");
    expect((await client.deleteForm(payer.tokens, running.id)).status).toBe("ABORTED");
    expect(sb.admin.accounts()[0]).toMatchObject({ balanceCents: 50_000, reservedCents: 0 });
  });

  it("gives the amount_changed notice the node's newer amount when presented by codes alone", async () => {
    const sb = await sandbox();
    const notice = testNotice("amount_changed");
    const form = await clientFor(sb).createForm(account(sb).tokens, {
      noticeNumber: notice.noticeNumber,
      fiscalCode: notice.fiscalCode,
    });
    expect(form.noticeAmountCents).toBe(notice.amountCents + 540);
  });
});
