import { describe, expect, it } from "vitest";
import { addDays, formatDay, formatMoment, italianDay, parseDay } from "../../src/i18n/format.ts";
import { commandWords, localeFromTag, messagesFor } from "../../src/i18n/t.ts";

/** Every key path of a catalogue, with the kind of value there. */
function shape(value: unknown, path = ""): string[] {
  if (typeof value === "function") return [`${path}()${value.length}`];
  if (typeof value === "string") return [path];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) => shape(v, `${path}.${key}`));
}

describe("Italian and English", () => {
  it("have the same keys and the same parameters everywhere", () => {
    expect(shape(messagesFor("en")).sort()).toEqual(shape(messagesFor("it")).sort());
  });

  it("differ wherever there are words (no untranslated string left in English)", () => {
    const it = messagesFor("it");
    const en = messagesFor("en");
    const same = shape(it)
      .filter((path) => !path.includes("()"))
      .filter((path) => {
        const get = (o: unknown) =>
          path
            .split(".")
            .slice(1)
            .reduce((v, k) => (v as Record<string, unknown>)[k], o);
        return get(it) === get(en);
      });
    // Identical on purpose: the command "start", the language names, "IUR" and "Agio" (an Italian term of art).
    expect(same.sort()).toEqual(
      [".buttons.english", ".buttons.italian", ".card.agio", ".card.iur", ".commands.start"].sort(),
    );
  });

  it("map both languages' command names to the same command", () => {
    const byWord = new Map(commandWords.map((c) => [c.word, c.command]));
    expect(byWord.get("collega")).toBe("link");
    expect(byWord.get("link")).toBe("link");
    expect(byWord.get("scollega")).toBe("unlink");
    expect(byWord.get("lingua")).toBe("language");
    expect(byWord.get("annulla")).toBe("cancel");
    expect(byWord.get("storico")).toBe("history");
    expect(byWord.get("aiuto")).toBe("help");
  });

  it.each([
    ["it", "it"],
    ["it-IT", "it"],
    ["IT", "it"],
    ["en-GB", "en"],
    ["de", "en"],
    [undefined, "it"],
    ["", "it"],
  ] as const)("takes the platform locale %j as %s", (tag, locale) => {
    expect(localeFromTag(tag, "it")).toBe(locale);
  });
});

describe("dates", () => {
  it("are written day first in both languages", () => {
    expect(formatDay("2026-03-15", "it")).toBe("15/03/2026");
    expect(formatDay("2026-03-15", "en")).toBe("15/03/2026");
    expect(formatMoment("2026-03-02T09:05:00Z", "it")).toBe("02/03/2026, 10:05");
    expect(formatMoment("2026-03-02T09:05:00Z", "en")).toBe("02/03/2026, 10:05");
  });

  it("are read as people type them, day first, and 15/3 means the next 15 March", () => {
    const today = "2026-11-20";
    expect(parseDay("15/03/2027", today)).toBe("2027-03-15");
    expect(parseDay("15-3-27", today)).toBe("2027-03-15");
    expect(parseDay("2027-03-15", today)).toBe("2027-03-15");
    expect(parseDay("15/3", today)).toBe("2027-03-15");
    expect(parseDay("25/12", today)).toBe("2026-12-25");
    expect(parseDay("31/02/2027", today)).toBeUndefined();
    expect(parseDay("domani", today)).toBeUndefined();
  });

  it("count days in Italy's calendar", () => {
    // 23:30 UTC on 31 December is already 1 January in Rome.
    expect(italianDay(Date.UTC(2026, 11, 31, 23, 30))).toBe("2027-01-01");
    expect(addDays("2026-02-28", 1)).toBe("2026-03-01");
  });
});
