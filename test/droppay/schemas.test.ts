import { describe, expect, it } from "vitest";
import { DropPayApiError } from "../../src/droppay/errors.ts";
import { formToWire, parseCreateFormBody, parseForm, parsePatchFormBody } from "../../src/droppay/schemas.ts";

// The create answer of DropPay's reference (seeds/droppay-payments-v3-pagopa.txt), trailing commas removed.
const referenceCreateAnswer = {
  id: "PPA8K195PZ1Q",
  description: "Pagamento Multa",
  date_creation: "2016-07-16T19:20:30+01:00",
  date_last_modified: "2016-07-16T19:20:30+01:00",
  date_scheduled: "2016-07-16",
  date_settlement: "2016-07-17",
  amount: 100,
  source: {
    id: "BAC0O6L3GN49L",
    account: "BAC0O6L3GN49L",
    account_class: "BUSINESS",
    username: "3351234567",
    account_iban: "IT63B3606400003351234567",
    balance_available: 24850.95,
    owner: { name: "Me Ipso Srl" },
  },
  fee: { value: 1.3, reason: "STANDARD", description: "Commissione standard" },
  agio: 0.7,
  status: "DRAFT",
  sharing: "https://dp.link/u/10/BLL8K195PZ1Q",
  webhooks: { all: "https://credenA:credenB@app.server.com/listener" },
  codice_avviso_2d: "PAGOPA|002|123456789012345678|12345678901|10000",
  codice_avviso: "001123456789012345678",
  codice_ente: "12345678901",
  nome_ente: "Comune di Firenze",
  logo_ente: "https://image.org/logo.jpg",
  importo_avviso: 100,
  causale: "Multa verbale CV987A1 - targa XX123ZZ",
  psp_code: "2384761938746",
  iuv: "123456789012345678",
  causale_tipo: "GENERICO",
  identificativo_unico_riscossione: "z77MlnNNpoRRy",
  destinatario_avviso_presentato: {
    nome: "Luke Duke",
    indirizzo: "Country House, 123898 Hazzard",
    cap: "12000",
    citta: "Hazzard",
    cf: "DKULKU51S06Z404U",
  },
  destinatario_avviso_nodo: { nome: "Luke Duke", indirizzo: "Country House, 123898 Hazzard", cf: "DKULKU51S06Z404U" },
};

function parsed(json: unknown) {
  const result = parseForm(json);
  if (!result.ok) throw new Error(result.issues.join("; "));
  return result.value;
}

describe("parseForm", () => {
  it("maps the reference's create answer to pagobot's names, in cents", () => {
    const form = parsed(referenceCreateAnswer);
    expect(form).toMatchObject({
      id: "PPA8K195PZ1Q",
      status: "DRAFT",
      noticeNumber: "123456789012345678",
      fiscalCode: "12345678901",
      amountCents: 10000,
      noticeAmountCents: 10000,
      feeCents: 130,
      feeReason: "STANDARD",
      agioCents: 70,
      totalCents: 10200,
      payeeName: "Comune di Firenze",
      causale: "Multa verbale CV987A1 - targa XX123ZZ",
      causaleType: "GENERIC",
      iur: "z77MlnNNpoRRy",
      scheduledDate: "2016-07-16",
      source: { accountIban: "IT63B3606400003351234567", balanceCents: 2485095, ownerName: "Me Ipso Srl" },
      presentedPayer: { name: "Luke Duke", postalCode: "12000", city: "Hazzard" },
    });
  });

  it("leaves the webhook URL (a credential) out of the form", () => {
    expect(JSON.stringify(parsed(referenceCreateAnswer))).not.toContain("credenB");
  });

  it("accepts fee as a bare number, as the DELETE and disposition examples send it", () => {
    expect(parsed({ ...referenceCreateAnswer, fee: 1, status: "CANCELLED" })).toMatchObject({
      feeCents: 100,
      feeReason: null,
      status: "CANCELLED",
    });
  });

  it("converts euro numbers exactly (1.13 € is 113 cents, not 112)", () => {
    expect(parsed({ ...referenceCreateAnswer, importo_avviso: 1.13, amount: 1.13, fee: 0.29 })).toMatchObject({
      noticeAmountCents: 113,
      feeCents: 29,
    });
  });

  it("refuses an amount with three decimals instead of rounding it", () => {
    const result = parseForm({ ...referenceCreateAnswer, importo_avviso: 100.005 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.join()).toContain("importo_avviso");
  });

  it("refuses an unknown status, a missing amount and a short notice number", () => {
    expect(parseForm({ ...referenceCreateAnswer, status: "WAITING" }).ok).toBe(false);
    expect(parseForm({ ...referenceCreateAnswer, importo_avviso: undefined }).ok).toBe(false);
    expect(parseForm({ ...referenceCreateAnswer, codice_avviso: "12345" }).ok).toBe(false);
  });

  it("keeps an 18-digit notice number as it is and compares the prefixed one on its last 18 digits", () => {
    expect(parsed({ ...referenceCreateAnswer, codice_avviso: "123456789012345678" }).noticeNumber).toBe(
      "123456789012345678",
    );
  });

  it("keeps causale types other than GENERIC as sent", () => {
    expect(parsed({ ...referenceCreateAnswer, causale_tipo: "PRABOLLOAUTO" }).causaleType).toBe("PRABOLLOAUTO");
    expect(parsed({ ...referenceCreateAnswer, causale_tipo: "GENERIC" }).causaleType).toBe("GENERIC");
  });

  it("round-trips through the sandbox's writer", () => {
    const form = parsed(referenceCreateAnswer);
    const again = parsed(formToWire(form, { webhookUrl: null, noticeNumberPrefix: "001" }));
    expect(again).toEqual(form);
    expect(parsed(formToWire(form, { webhookUrl: null, feeAsNumber: true })).feeCents).toBe(130);
  });
});

describe("requests", () => {
  it("reads a create request and refuses malformed codes", () => {
    const good = parseCreateFormBody({ codice_avviso: "123456789012345678", codice_ente: "12345678901" });
    expect(good).toMatchObject({ ok: true, value: { noticeNumber: "123456789012345678", qrText: null } });
    expect(parseCreateFormBody({ codice_avviso: "1234", codice_ente: "12345678901" }).ok).toBe(false);
    expect(parseCreateFormBody({ codice_ente: "12345678901" }).ok).toBe(false);
  });

  it("reads a PATCH and refuses an empty one or an unknown status", () => {
    expect(parsePatchFormBody({ status: "BOOKED" })).toEqual({ ok: true, value: { status: "BOOKED" } });
    expect(parsePatchFormBody({ date_scheduled: null })).toEqual({ ok: true, value: { scheduledDate: null } });
    expect(parsePatchFormBody({}).ok).toBe(false);
    expect(parsePatchFormBody({ status: "PAID" }).ok).toBe(false);
  });
});

describe("DropPayApiError", () => {
  it.each([
    [400, "100", "bad_request"],
    [401, "102", "token_expired"],
    [401, "100", "bad_credentials"],
    [403, "101", "access_denied"],
    [404, "310", "notice_not_found"],
    [409, "310", "notice_not_payable"],
    [409, "311", "duplicated"],
    [409, "312", "notice_expired"],
    [409, "313", "amount_changed"],
    [409, "314", "already_presented"],
    [409, "320", "insufficient_balance"],
    [500, "310", "node_unavailable"],
    [500, "311", "node_rejected"],
    [500, null, "server_error"],
    [400, null, "bad_request"],
  ] as const)("reads %i/%s as %s", (status, pspCode, code) => {
    expect(new DropPayApiError({ status, pspCode, description: null, route: "create" }).code).toBe(code);
  });

  it("picks the existing form out of a 409/314 description", () => {
    const error = new DropPayApiError({
      status: 409,
      pspCode: "314",
      description: "PagoPA already presented in {PPA7345276354}",
      route: "create",
    });
    expect(error.existingFormId).toBe("PPA7345276354");
  });
});
