// Sandbox accounts get IBANs that pass every check a bank app runs: the Italian CIN and the ISO 13616 mod-97
// check digits. The ABI is DropPay's (36064, as in the reference's examples); the CAB and account are made up.

const cinOdd = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function charValue(c: string): number {
  return /\d/.test(c) ? Number(c) : letters.indexOf(c);
}

/** The Italian CIN of a BBAN without it (ABI 5 + CAB 5 + account 12). */
export function italianCin(bban: string): string {
  let sum = 0;
  for (let i = 0; i < bban.length; i++) {
    const v = charValue(bban[i] ?? "0");
    sum += i % 2 === 0 ? (cinOdd[v] ?? 0) : v;
  }
  return letters[sum % 26] ?? "A";
}

/** ISO 13616 check digits for a country and BBAN. */
export function ibanCheckDigits(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of digits) remainder = (remainder * 10 + Number(d)) % 97;
  return String(98 - remainder).padStart(2, "0");
}

/** True when an IBAN's mod-97 check passes. */
export function ibanValid(iban: string): boolean {
  const rearranged = `${iban.slice(4)}${iban.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const d of rearranged) remainder = (remainder * 10 + Number(d)) % 97;
  return remainder === 1;
}

/** An Italian IBAN on DropPay's ABI for a 12-character account number. */
export function sandboxIban(account: string): string {
  const rest = `36064${"00001"}${account.padStart(12, "0").slice(-12)}`;
  const bban = `${italianCin(rest)}${rest}`;
  return `IT${ibanCheckDigits("IT", bban)}${bban}`;
}
