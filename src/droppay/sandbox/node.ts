import { rptIdOf } from "../../notice/notice.ts";
import { parseQrPayload } from "../../notice/qr-payload.ts";
import { deterministicAmountCents, payeeDetails } from "./payees.ts";
import type { FormRecord, NoticeRecord } from "./state.ts";
import { amountChangeCents, type TestBehaviour, testNoticeFor } from "./test-notices.ts";
import { failures, type SandboxWorld } from "./world.ts";

// The sandbox's stand-in for the pagoPA node: it knows every notice's amount, payee and reason, and whether it
// is paid. A notice first presented with its QR text takes the QR's amount; one presented by codes alone gets a
// deterministic amount; test payees behave as documented in test-notices.ts.

/** What the node answers about a notice being presented. */
export interface PresentedNotice {
  readonly rptId: string;
  readonly notice: NoticeRecord;
  readonly behaviour: TestBehaviour | null;
}

/** Looks a notice up as the create call does; throws the node's errors (404/310, 409/310-313, 500/310-311). */
export function presentNotice(
  world: SandboxWorld,
  codes: { noticeNumber: string; fiscalCode: string; qrText: string | null },
): PresentedNotice {
  const rptId = rptIdOf(codes.fiscalCode, codes.noticeNumber);
  let qrAmount: number | null = null;
  if (codes.qrText !== null) {
    const qr = parseQrPayload(codes.qrText);
    if (!qr.ok) throw failures.missingArguments(`codice_avviso_2d: ${qr.error.message}`);
    if (qr.value.noticeNumber !== codes.noticeNumber || qr.value.fiscalCode !== codes.fiscalCode) {
      throw failures.missingArguments("codice_avviso_2d does not match codice_avviso and codice_ente");
    }
    qrAmount = qr.value.amountCents;
  }
  const test = testNoticeFor(codes.fiscalCode);
  const behaviour = test?.behaviour ?? null;
  switch (behaviour) {
    case "unknown":
      throw failures.notFound();
    case "expired":
      throw failures.expired();
    case "already_paid":
      throw failures.statusViolation();
    case "node_unavailable":
      throw failures.nodeUnavailable();
    case "node_rejected":
      throw failures.nodeRejected();
    default:
      break;
  }
  let notice = world.state.notices[rptId];
  if (notice === undefined) {
    const details = payeeDetails(codes.fiscalCode, codes.noticeNumber);
    const sample = test !== undefined && test.noticeNumber === codes.noticeNumber ? test.amountCents : null;
    const invented = () => deterministicAmountCents(codes.fiscalCode, codes.noticeNumber);
    let amountCents = sample ?? qrAmount ?? invented();
    // The node has a newer amount than any printed one (a surcharge added after issuance).
    if (behaviour === "amount_changed") amountCents = (sample ?? invented()) + amountChangeCents;
    notice = {
      amountCents,
      payeeName: test?.payeeName ?? details.payeeName,
      causale: details.causale,
      causaleType: details.causaleType,
      causaleData: details.causaleData === null ? null : { ...details.causaleData },
      paidByFormId: null,
    };
    world.state.notices[rptId] = notice;
  }
  if (notice.paidByFormId !== null) throw failures.statusViolation();
  if (qrAmount !== null && qrAmount !== notice.amountCents) throw failures.amountConflict();
  return { rptId, notice, behaviour };
}

/** Checks a form against the node before it is committed or executed: paid elsewhere (409/310), amount changed (409/313). */
export function verifyWithNode(world: SandboxWorld, form: FormRecord): void {
  const notice = world.state.notices[rptIdOf(form.fiscalCode, form.noticeNumber)];
  if (notice === undefined) throw failures.notFound();
  if (notice.paidByFormId !== null && notice.paidByFormId !== form.id) throw failures.statusViolation();
  if (notice.amountCents !== form.noticeAmountCents) throw failures.amountConflict();
}

/** Records that a form paid its notice. */
export function markNoticePaid(world: SandboxWorld, form: FormRecord): void {
  const notice = world.state.notices[rptIdOf(form.fiscalCode, form.noticeNumber)];
  if (notice !== undefined) notice.paidByFormId = form.id;
}
