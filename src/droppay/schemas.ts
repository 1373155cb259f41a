import { z } from "zod";
import { type Cents, centsFromEuroNumber, centsToDecimalString } from "../notice/money.ts";
import {
  type CreateFormInput,
  type FormPatch,
  type FormSource,
  formStatuses,
  type NoticePayer,
  type PagoPaForm,
} from "./form.ts";

// The only file that knows DropPay's pagoPA wire names (style.md): the client parses replies here and the
// sandbox writes them from here, so both sides speak one vocabulary and the contract tests check it.

/** A euro JSON number, turned into exact cents (droppay-api.md: never Math.floor; >2 decimals is refused). */
const euro = z.number().transform((value, ctx): Cents => {
  const cents = centsFromEuroNumber(value);
  if (cents.ok) return cents.value;
  ctx.addIssue({ code: "custom", message: cents.error.message });
  return z.NEVER;
});

const text = z.string().nullish();
const textOrNumber = z.union([z.string(), z.number().transform(String)]).nullish();

const wirePayer = z.object({ nome: text, indirizzo: text, cap: textOrNumber, citta: text, cf: text });

// droppay-api.md: `fee` is an object in some answers and a bare number in others; both are accepted.
const wireFee = z.union([
  euro.transform((cents) => ({ cents, reason: null, description: null })),
  z.object({ value: euro, reason: text, description: text }).transform((fee) => ({
    cents: fee.value,
    reason: fee.reason ?? null,
    description: fee.description ?? null,
  })),
]);

const wireSource = z.object({
  id: text,
  account: text,
  account_iban: text,
  acccount_iban: text, // the reference's entity table spells it with three c's; its examples with two
  account_class: text,
  username: text,
  balance_available: euro.nullish(),
  owner: z.object({ name: text, logo: text }).nullish(),
});

const wireForm = z.object({
  id: z.string().min(1),
  status: z.enum(formStatuses),
  description: text,
  date_creation: text,
  date_last_modified: text,
  date_scheduled: text,
  date_settlement: text,
  amount: euro,
  importo_avviso: euro,
  fee: wireFee,
  agio: euro.nullish(),
  // droppay-api.md: posted as 18 digits, echoed with a prefix (21 characters); compare on the last 18.
  codice_avviso: z.string().regex(/^\d{18,24}$/, "must be 18 to 24 digits"),
  codice_avviso_2d: text,
  iuv: textOrNumber,
  codice_ente: z.string().regex(/^\d{11}$/, "must be 11 digits"),
  nome_ente: text,
  logo_ente: text,
  causale: text,
  causale_tipo: text,
  causale_dati: z.record(z.string(), z.unknown()).nullish(),
  psp_code: textOrNumber,
  identificativo_unico_riscossione: text,
  destinatario_avviso_presentato: wirePayer.nullish(),
  destinatario_avviso_nodo: wirePayer.nullish(),
  source: wireSource.nullish(),
  sharing: text,
  webhooks: z.object({ all: text }).nullish(),
});

/** A form as DropPay writes it on the wire. */
export type WireForm = z.input<typeof wireForm>;

/** The outcome of checking a reply: the value, or where it failed (paths and reasons, never the values). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: string[] };

function parseWith<S extends z.ZodType, T>(schema: S, json: unknown, map: (wire: z.output<S>) => T): Parsed<T> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`) };
  }
  return { ok: true, value: map(parsed.data) };
}

/** Reads a form reply (create, GET, PATCH, DELETE, disposition, webhook body) into a PagoPaForm. */
export function parseForm(json: unknown): Parsed<PagoPaForm> {
  return parseWith(wireForm, json, (w): PagoPaForm => {
    const agioCents = w.agio ?? (0 as Cents);
    return {
      id: w.id,
      status: w.status,
      description: w.description ?? null,
      createdAt: w.date_creation ?? null,
      updatedAt: w.date_last_modified ?? null,
      scheduledDate: w.date_scheduled ?? null,
      settlementDate: w.date_settlement ?? null,
      amountCents: w.amount,
      noticeAmountCents: w.importo_avviso,
      feeCents: w.fee.cents,
      feeReason: w.fee.reason,
      feeDescription: w.fee.description,
      agioCents,
      totalCents: (w.importo_avviso + w.fee.cents + agioCents) as Cents,
      noticeNumber: w.codice_avviso.slice(-18),
      fiscalCode: w.codice_ente,
      qrText: w.codice_avviso_2d ?? null,
      iuv: w.iuv ?? null,
      payeeName: w.nome_ente ?? null,
      payeeLogoUrl: w.logo_ente ?? null,
      causale: w.causale ?? null,
      // droppay-api.md: the list says GENERIC, the examples GENERICO; they are the same.
      causaleType: w.causale_tipo === "GENERICO" ? "GENERIC" : (w.causale_tipo ?? null),
      causaleData: w.causale_dati ?? null,
      pspCode: w.psp_code ?? null,
      iur: w.identificativo_unico_riscossione ?? null,
      sharingUrl: w.sharing ?? null,
      presentedPayer: w.destinatario_avviso_presentato ? toPayer(w.destinatario_avviso_presentato) : null,
      nodePayer: w.destinatario_avviso_nodo ? toPayer(w.destinatario_avviso_nodo) : null,
      source: w.source ? toSource(w.source) : null,
    };
  });
}

function toPayer(p: z.output<typeof wirePayer>): NoticePayer {
  return {
    name: p.nome ?? null,
    address: p.indirizzo ?? null,
    postalCode: p.cap ?? null,
    city: p.citta ?? null,
    fiscalCode: p.cf ?? null,
  };
}

function toSource(s: z.output<typeof wireSource>): FormSource {
  return {
    id: s.id ?? null,
    account: s.account ?? null,
    accountIban: s.account_iban ?? s.acccount_iban ?? null,
    accountClass: s.account_class ?? null,
    username: s.username ?? null,
    balanceCents: s.balance_available ?? null,
    ownerName: s.owner?.name ?? null,
    ownerLogoUrl: s.owner?.logo ?? null,
  };
}

const errorBody = z.object({
  code: z.union([z.string(), z.number().transform(String)]),
  description: z.string().nullish(),
});

/** Reads DropPay's `{code, description}` error body; null when the answer had none or something else. */
export function parseErrorBody(json: unknown): { code: string; description: string | null } | null {
  const parsed = errorBody.safeParse(json);
  return parsed.success ? { code: parsed.data.code, description: parsed.data.description ?? null } : null;
}

/** The JSON body of a create request. */
export function createFormBody(input: CreateFormInput): Record<string, unknown> {
  return withoutNulls({
    codice_avviso: input.noticeNumber,
    codice_ente: input.fiscalCode,
    codice_avviso_2d: input.qrText,
    description: input.description,
    destinatario_avviso_presentato: payerToWire(input.presentedPayer ?? null),
    source: input.sourceAccount ? { account: input.sourceAccount } : null,
    webhooks: input.webhookUrl ? { all: input.webhookUrl } : null,
  });
}

/** The JSON body of a PATCH. */
export function patchFormBody(patch: FormPatch): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  if (patch.status !== undefined) body.status = patch.status;
  if (patch.scheduledDate !== undefined) body.date_scheduled = patch.scheduledDate;
  if (patch.description !== undefined) body.description = patch.description;
  return body;
}

function payerToWire(p: Partial<NoticePayer> | null): Record<string, unknown> | null {
  return p === null
    ? null
    : withoutNulls({ nome: p.name, indirizzo: p.address, cap: p.postalCode, citta: p.city, cf: p.fiscalCode });
}

function withoutNulls(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== null && v !== undefined));
}

// ---- The sandbox's side: reading requests, writing forms ----

const createRequest = z.object({
  codice_avviso: z.string().regex(/^(\d{3})?\d{18}$/, "must be 18 digits"),
  codice_ente: z.string().regex(/^\d{11}$/, "must be 11 digits"),
  codice_avviso_2d: z.string().nullish(),
  description: z.string().max(140).nullish(),
  destinatario_avviso_presentato: wirePayer.nullish(),
  source: z.object({ account: text }).nullish(),
  webhooks: z.object({ all: z.url().nullish() }).nullish(),
});

/** Reads a create request (the sandbox's side); the issues become a 400/100. */
export function parseCreateFormBody(json: unknown): Parsed<CreateFormInput> {
  return parseWith(createRequest, json, (w) => ({
    noticeNumber: w.codice_avviso.slice(-18),
    fiscalCode: w.codice_ente,
    qrText: w.codice_avviso_2d ?? null,
    description: w.description ?? null,
    presentedPayer: w.destinatario_avviso_presentato ? toPayer(w.destinatario_avviso_presentato) : null,
    sourceAccount: w.source?.account ?? null,
    webhookUrl: w.webhooks?.all ?? null,
  }));
}

const patchRequest = z
  .object({
    status: z.enum(["DRAFT", "READY", "BOOKED"]).optional(),
    date_scheduled: z.iso.date().nullish(),
    description: z.string().max(140).optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), "nothing to change");

/** Reads a PATCH request (the sandbox's side). */
export function parsePatchFormBody(json: unknown): Parsed<FormPatch> {
  return parseWith(patchRequest, json, (w) => {
    const patch: { -readonly [K in keyof FormPatch]: FormPatch[K] } = {};
    if (w.status !== undefined) patch.status = w.status;
    if (w.date_scheduled !== undefined) patch.scheduledDate = w.date_scheduled;
    if (w.description !== undefined) patch.description = w.description;
    return patch;
  });
}

/** How the sandbox writes a form: the fee as an object or, as the reference's DELETE and disposition examples do, a bare number. */
export interface WireFormOptions {
  readonly webhookUrl: string | null;
  readonly feeAsNumber?: boolean;
  /** The reference echoes `codice_avviso` with a prefix ("001" + 18 digits). */
  readonly noticeNumberPrefix?: string;
}

/** Writes a form as DropPay does (the sandbox's side); the inverse of parseForm. */
export function formToWire(form: PagoPaForm, options: WireFormOptions): WireForm {
  const euroOf = (cents: Cents): number => Number(centsToDecimalString(cents));
  const source = form.source;
  const fee = options.feeAsNumber
    ? euroOf(form.feeCents)
    : { value: euroOf(form.feeCents), reason: form.feeReason, description: form.feeDescription };
  return withoutNulls({
    id: form.id,
    description: form.description,
    date_creation: form.createdAt,
    date_last_modified: form.updatedAt,
    date_scheduled: form.scheduledDate,
    date_settlement: form.settlementDate,
    amount: euroOf(form.amountCents),
    source:
      source === null
        ? null
        : withoutNulls({
            id: source.id,
            account: source.account,
            account_class: source.accountClass,
            username: source.username,
            account_iban: source.accountIban,
            balance_available: source.balanceCents === null ? null : euroOf(source.balanceCents),
            owner: withoutNulls({ name: source.ownerName, logo: source.ownerLogoUrl }),
          }),
    fee,
    agio: euroOf(form.agioCents),
    status: form.status,
    sharing: form.sharingUrl,
    webhooks: options.webhookUrl === null ? null : { all: options.webhookUrl },
    codice_avviso_2d: form.qrText,
    codice_avviso: `${options.noticeNumberPrefix ?? ""}${form.noticeNumber}`,
    codice_ente: form.fiscalCode,
    nome_ente: form.payeeName,
    logo_ente: form.payeeLogoUrl,
    importo_avviso: euroOf(form.noticeAmountCents),
    causale: form.causale,
    psp_code: form.pspCode,
    iuv: form.iuv,
    causale_tipo: form.causaleType === "GENERIC" ? "GENERICO" : form.causaleType,
    causale_dati: form.causaleData,
    identificativo_unico_riscossione: form.iur,
    destinatario_avviso_presentato: payerToWire(form.presentedPayer),
    destinatario_avviso_nodo: payerToWire(form.nodePayer),
  }) as WireForm;
}
