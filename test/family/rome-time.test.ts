import { describe, expect, it } from "vitest";
import { romeDay, romeInstant, romeMonth } from "../../src/family/rome-time.ts";

describe("Italian calendar time", () => {
  it("changes month at midnight of the 1st in Rome, not in UTC", () => {
    // 31 Jan 2025 23:30 UTC is already 1 Feb 00:30 in Rome (winter, UTC+1).
    expect(romeMonth(Date.UTC(2025, 0, 31, 22, 59, 59))).toBe("2025-01");
    expect(romeMonth(Date.UTC(2025, 0, 31, 23, 0, 0))).toBe("2025-02");
    // In summer (UTC+2) the month turns two hours before UTC's.
    expect(romeMonth(Date.UTC(2025, 6, 31, 21, 59, 59))).toBe("2025-07");
    expect(romeMonth(Date.UTC(2025, 6, 31, 22, 0, 0))).toBe("2025-08");
    // New year's eve.
    expect(romeMonth(Date.UTC(2024, 11, 31, 23, 0, 0))).toBe("2025-01");
  });

  it("places 09:00 in Rome on either side of the DST changes", () => {
    // Summer time starts on 30 March 2025 at 02:00 → 03:00.
    expect(new Date(romeInstant("2025-03-29", 9)).toISOString()).toBe("2025-03-29T08:00:00.000Z");
    expect(new Date(romeInstant("2025-03-30", 9)).toISOString()).toBe("2025-03-30T07:00:00.000Z");
    // And ends on 26 October 2025 at 03:00 → 02:00.
    expect(new Date(romeInstant("2025-10-25", 9)).toISOString()).toBe("2025-10-25T07:00:00.000Z");
    expect(new Date(romeInstant("2025-10-26", 9)).toISOString()).toBe("2025-10-26T08:00:00.000Z");
    expect(new Date(romeInstant("2025-10-26", 0)).toISOString()).toBe("2025-10-25T22:00:00.000Z");
  });

  it("names the Rome day of an instant near midnight", () => {
    expect(romeDay(Date.UTC(2025, 2, 29, 23, 0, 0))).toBe("2025-03-30");
    expect(romeDay(Date.UTC(2025, 2, 29, 22, 59, 0))).toBe("2025-03-29");
    expect(romeDay(Date.UTC(2025, 2, 30, 22, 0, 0))).toBe("2025-03-31");
  });
});
