/**
 * Calendar arithmetic in Italian time. A family's month (for caps) and a reminder's 09:00 are Italian wall-clock
 * notions, whatever the server's zone: Intl (with the IANA zone database Node ships) says what Rome's clock reads.
 */

const ROME = "Europe/Rome";

const wallClock = new Intl.DateTimeFormat("en-CA", {
  timeZone: ROME,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** What a clock in Rome reads at an instant. */
export function romeWallTime(epochMs: number): WallTime {
  const parts: Record<string, number> = {};
  for (const part of wallClock.formatToParts(epochMs)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The Italian calendar month at an instant: "2025-03". Caps reset when this changes (midnight of the 1st). */
export function romeMonth(epochMs: number): string {
  const t = romeWallTime(epochMs);
  return `${pad(t.year, 4)}-${pad(t.month)}`;
}

/** The Italian calendar day at an instant: "2025-03-30". */
export function romeDay(epochMs: number): string {
  const t = romeWallTime(epochMs);
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`;
}

/** How far Rome's clock is ahead of UTC at an instant (1 h in winter, 2 h in summer), in ms. */
function romeOffsetMs(epochMs: number): number {
  const t = romeWallTime(epochMs);
  const asUtc = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}

/**
 * The instant a Rome clock reads `hour:minute` on a day (YYYY-MM-DD). Two passes settle the offset on either side
 * of a DST change; the hours pagobot uses (09:00) never fall in the skipped or repeated hour.
 */
export function romeInstant(isoDay: string, hour: number, minute = 0): number {
  const [y, m, d] = isoDay.split("-").map(Number);
  const wall = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, hour, minute);
  const first = wall - romeOffsetMs(wall);
  return wall - romeOffsetMs(first);
}

/** Adds days to a YYYY-MM-DD day (calendar days: no zone involved). */
export function addDays(isoDay: string, days: number): string {
  const [y, m, d] = isoDay.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10);
}
