import { describe, expect, it } from "vitest";
import { optionLabels } from "../../src/engine/flows/choices.ts";
import type { NoticeRef } from "../../src/engine/records.ts";
import { messagesFor } from "../../src/i18n/t.ts";
import type { Cents } from "../../src/notice/money.ts";

const notice = (noticeNumber: string, fiscalCode: string, amount: number | null): NoticeRef => ({
  noticeNumber,
  fiscalCode,
  rptId: `${fiscalCode}${noticeNumber}`,
  qrText: null,
  amountCents: amount as Cents | null,
});

describe("the options of a sheet with several codes", () => {
  const it_ = messagesFor("it");

  it("are instalments in printed order when one payee prints them", () => {
    const labels = optionLabels(
      [notice("301000000000000001", "80016350821", 51_535), notice("301000000000000002", "80016350821", 51_534)],
      it_,
      "it",
    );
    expect(labels).toEqual(["Rata 1 — 515,35\u00a0€", "Rata 2 — 515,34\u00a0€"]);
  });

  it("call the one that adds up the others the single payment", () => {
    const labels = optionLabels(
      [
        notice("301000000000000003", "80016350821", 103_069),
        notice("301000000000000001", "80016350821", 51_535),
        notice("301000000000000002", "80016350821", 51_534),
      ],
      it_,
      "it",
    );
    expect(labels).toEqual(["Rata unica — 1.030,69\u00a0€", "Rata 1 — 515,35\u00a0€", "Rata 2 — 515,34\u00a0€"]);
  });

  it("are plain options, in English too, when the payees differ", () => {
    const labels = optionLabels(
      [notice("301000000000000001", "80016350821", 1_000), notice("301000000000000002", "00000000000", 2_000)],
      messagesFor("en"),
      "en",
    );
    expect(labels).toEqual(["Option 1 — €10.00", "Option 2 — €20.00"]);
  });
});
