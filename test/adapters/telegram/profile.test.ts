import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../../src/i18n/en.ts";
import { it as italian } from "../../../src/i18n/it.ts";
import { type Harness, startHarness } from "./harness.ts";

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.stop();
});

const menu = (scope: string, language = "") =>
  (harness.peer.state.commands.get(`${JSON.stringify({ type: scope })}|${language}`) ?? []).map(
    (c) => `/${c.command} ${c.description}`,
  );

describe("Telegram bot profile published at start", () => {
  it("lists the Italian commands for Italian private chats and for apps in any other language", () => {
    const d = italian.commandDescriptions;
    const expected = [
      `/start ${d.start}`,
      `/aiuto ${d.help}`,
      `/collega ${d.link}`,
      `/scollega ${d.unlink}`,
      `/lingua ${d.language}`,
      `/annulla ${d.cancel}`,
      `/storico ${d.history}`,
      `/lista ${d.list}`,
    ];
    expect(menu("all_private_chats", "it")).toEqual(expected);
    expect(menu("all_private_chats")).toEqual(expected);
  });

  it("lists the English command words for English speakers", () => {
    const d = en.commandDescriptions;
    expect(menu("all_private_chats", "en")).toEqual([
      `/start ${d.start}`,
      `/help ${d.help}`,
      `/link ${d.link}`,
      `/unlink ${d.unlink}`,
      `/language ${d.language}`,
      `/cancel ${d.cancel}`,
      `/history ${d.history}`,
      `/list ${d.list}`,
    ]);
  });

  it("keeps account linking out of the group menu, and offers the family's commands there only", () => {
    expect(menu("all_group_chats", "it").map((line) => line.split(" ")[0])).toEqual([
      "/start",
      "/aiuto",
      "/annulla",
      "/storico",
      "/lista",
      "/famiglia",
      "/limite",
    ]);
    expect(menu("all_group_chats", "en").map((line) => line.split(" ")[0])).toEqual([
      "/start",
      "/help",
      "/cancel",
      "/history",
      "/list",
      "/family",
      "/limit",
    ]);
  });

  it("sets the description and short description per language", () => {
    const { descriptions, shortDescriptions } = harness.peer.state;
    expect(descriptions.get("it")).toBe(italian.botProfile.description);
    expect(descriptions.get("")).toBe(italian.botProfile.description);
    expect(descriptions.get("en")).toBe(en.botProfile.description);
    expect(shortDescriptions.get("en")).toBe(en.botProfile.shortDescription);
    expect(italian.botProfile.description.length).toBeLessThanOrEqual(512);
    expect(en.botProfile.shortDescription.length).toBeLessThanOrEqual(120);
  });
});
