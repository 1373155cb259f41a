import { type SandboxTestNotice, sandboxTestNotices, type TestBehaviour } from "../../src/droppay/sandbox/index.ts";
import { computeCheckDigit } from "../../src/notice/notice-number.ts";

/** The sandbox's test notice with this behaviour (its README table). */
export function testNotice(behaviour: TestBehaviour): SandboxTestNotice {
  const notice = sandboxTestNotices.find((n) => n.behaviour === behaviour);
  if (notice === undefined) throw new Error(`the sandbox has no ${behaviour} test notice`);
  return notice;
}

/** A valid notice number (aux digit 3, segregation code 01, mod-93 check digit) numbered `n`. */
export function noticeNumber(n: number): string {
  const first16 = `301${String(n).padStart(13, "0")}`;
  return `${first16}${computeCheckDigit(first16)}`;
}

/** An ordinary payee (valid check digit) that none of the test notices uses: its notices are payable and end PAID. */
export const ordinaryPayee = "80016350821";
