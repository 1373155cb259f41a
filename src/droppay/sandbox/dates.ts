// DropPay writes dates as Italian local time with an offset ("2016-07-16T19:20:30+01:00") and days as
// "YYYY-MM-DD"; the sandbox does the same, in Europe/Rome.

const parts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Rome",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function romeParts(epochMs: number): Record<string, string> {
  return Object.fromEntries(parts.formatToParts(new Date(epochMs)).map((p) => [p.type, p.value]));
}

/** The day in Rome at `epochMs`: "2026-03-02". */
export function romeDate(epochMs: number): string {
  const p = romeParts(epochMs);
  return `${p.year}-${p.month}-${p.day}`;
}

/** The time in Rome with its offset: "2026-03-02T10:00:00+01:00". */
export function romeDateTime(epochMs: number): string {
  const p = romeParts(epochMs);
  const wall = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  const offsetMin = Math.round((wall - Math.floor(epochMs / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? "-" : "+";
  const abs = Math.abs(offsetMin);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`;
}

/** The day after `date` ("YYYY-MM-DD"). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}
