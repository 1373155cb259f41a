import { nextDay } from "./dates.ts";
import { release, reserve } from "./forms.ts";
import { markNoticePaid, verifyWithNode } from "./node.ts";
import type { FormRecord } from "./state.ts";
import { accountOf, availableCents, failures, formTotalCents, type SandboxWorld } from "./world.ts";

// The disposition and what follows it: SCHEDULED until its date, RUNNING (the account is charged), then PAID,
// PROMISED then PAID, or FAILED (the money comes back), as the notice's test payee decides.

/**
 * Executes a READY or BOOKED form. With the second factor on, the form stays as it is and waits for the owner's
 * approval on its sharing page; asking again meanwhile changes nothing.
 */
export function dispose(world: SandboxWorld, form: FormRecord): void {
  if (form.approval === "pending") return;
  if (form.status !== "READY" && form.status !== "BOOKED") throw failures.statusViolation();
  verifyWithNode(world, form);
  if (form.status === "READY" && availableCents(accountOf(world, form)) < formTotalCents(form)) {
    throw failures.insufficientBalance();
  }
  if (world.secondFactor) {
    form.approval = "pending";
    form.updatedAt = world.now();
    world.formChanged(form, false);
    return;
  }
  execute(world, form);
}

/** The owner approves a waiting disposition (sandbox page or admin). */
export function approveDisposition(world: SandboxWorld, form: FormRecord): void {
  if (form.approval !== "pending") throw failures.statusViolation();
  form.approval = "none";
  if (form.status === "READY" && availableCents(accountOf(world, form)) < formTotalCents(form)) {
    fail(world, form);
    return;
  }
  execute(world, form);
}

/** The owner refuses a waiting disposition: the form ends FAILED (our choice; the reference is silent). */
export function refuseDisposition(world: SandboxWorld, form: FormRecord): void {
  if (form.approval !== "pending") throw failures.statusViolation();
  form.approval = "none";
  fail(world, form);
}

function execute(world: SandboxWorld, form: FormRecord): void {
  if (form.scheduledDate !== null && form.scheduledDate > world.today()) {
    reserve(world, form);
    setStatus(world, form, "SCHEDULED");
    return;
  }
  run(world, form);
}

/** Charges the account and starts the payment; settlement follows after the node's delay. */
function run(world: SandboxWorld, form: FormRecord): void {
  const total = formTotalCents(form);
  release(world, form);
  accountOf(world, form).balanceCents -= total;
  form.chargedCents = total;
  setStatus(world, form, "RUNNING");
  armSettlement(world, form);
}

function armSettlement(world: SandboxWorld, form: FormRecord): void {
  const delay = world.timing.settleMs + (form.behaviour === "slow" ? world.timing.slowMs : 0);
  world.later(delay, () => settle(world, form.id));
}

function settle(world: SandboxWorld, formId: string): void {
  const form = world.state.forms[formId];
  if (form === undefined || form.status !== "RUNNING") return; // aborted meanwhile
  const notice = world.state.notices[`${form.fiscalCode}${form.noticeNumber}`];
  if (form.behaviour === "failed" || (notice?.paidByFormId ?? form.id) !== form.id) {
    fail(world, form);
    return;
  }
  markNoticePaid(world, form);
  if (form.behaviour === "promised") {
    setStatus(world, form, "PROMISED");
    world.later(world.timing.promisedMs, () => finishPromised(world, form.id));
    return;
  }
  markPaid(world, form);
}

function finishPromised(world: SandboxWorld, formId: string): void {
  const form = world.state.forms[formId];
  if (form?.status === "PROMISED") markPaid(world, form);
}

function markPaid(world: SandboxWorld, form: FormRecord): void {
  form.iur = world.random.id("", 13);
  form.settlementDate = nextDay(world.today());
  setStatus(world, form, "PAID");
}

function fail(world: SandboxWorld, form: FormRecord): void {
  release(world, form);
  accountOf(world, form).balanceCents += form.chargedCents;
  form.chargedCents = 0;
  setStatus(world, form, "FAILED");
}

function setStatus(world: SandboxWorld, form: FormRecord, status: FormRecord["status"]): void {
  form.status = status;
  form.updatedAt = world.now();
  world.formChanged(form, true);
}

/** Runs every SCHEDULED form whose day has come; answers how many started. */
export function runDueScheduled(world: SandboxWorld): number {
  let started = 0;
  for (const form of Object.values(world.state.forms)) {
    if (form.status !== "SCHEDULED" || form.scheduledDate === null || form.scheduledDate > world.today()) continue;
    try {
      verifyWithNode(world, form);
    } catch {
      fail(world, form); // paid elsewhere or changed since: the scheduled payment cannot run
      continue;
    }
    run(world, form);
    started++;
  }
  return started;
}

/** After a restart from the data file: RUNNING and PROMISED forms carry on. */
export function resumeSettlements(world: SandboxWorld): void {
  for (const form of Object.values(world.state.forms)) {
    if (form.status === "RUNNING") armSettlement(world, form);
    if (form.status === "PROMISED") world.later(world.timing.promisedMs, () => finishPromised(world, form.id));
  }
}
