import { z } from "zod";
import { type Cents, centsFromEuroNumber, centsToDecimalString } from "../../notice/money.ts";
import type { SandboxAccountView, SandboxAdmin, SandboxFormView } from "./admin.ts";
import { formWire } from "./form-view.ts";
import type { Answer, Call, RouteSpec } from "./http.ts";
import { withoutCredentials } from "./webhooks.ts";
import { failures, type SandboxWorld } from "./world.ts";

// The sandbox-only JSON API under /sandbox/v1 (not DropPay's): test accounts, state listings and the controls
// tests and the playground use. Money is written as DropPay writes it, in euro numbers. No authentication: the
// sandbox listens on loopback only.

const euroNumber = (cents: number): number =>
  cents < 0 ? -Number(centsToDecimalString(-cents as Cents)) : Number(centsToDecimalString(cents as Cents));

const euroIn = z.number().transform((value, ctx): number => {
  const cents = centsFromEuroNumber(Math.abs(value));
  if (cents.ok) return value < 0 ? -cents.value : cents.value;
  ctx.addIssue({ code: "custom", message: cents.error.message });
  return z.NEVER;
});

const accountRequest = z.object({
  balance: euroIn.refine((c) => c >= 0, "must not be negative"),
  owner_name: z.string().min(1).max(80).optional(),
  account_class: z.enum(["PERSONAL", "BUSINESS"]).optional(),
  holder_ref: z.string().min(1).max(120).optional(),
});
const faultRequest = z.object({
  route: z.enum([
    "create",
    "get",
    "patch",
    "delete",
    "disposition",
    "token",
    "app-token",
    "connection-create",
    "connection-get",
    "connection-delete",
  ]),
  kind: z.enum(["error", "drop", "delay"]),
  status: z.number().int().min(400).max(599).optional(),
  body: z.object({ code: z.string(), description: z.string() }).nullable().optional(),
  ms: z.number().int().min(0).max(120_000).optional(),
  after: z.boolean().optional(),
  times: z.number().int().min(1).max(1000).optional(),
  form_id: z.string().optional(),
});
const chaosRequest = z.object({
  duplicate: z.boolean().optional(),
  delay_ms: z.number().int().min(0).max(60_000).optional(),
  reorder: z.boolean().optional(),
});

async function input<S extends z.ZodType>(call: Call, schema: S): Promise<z.output<S>> {
  const parsed = schema.safeParse((await call.json()) ?? {});
  if (!parsed.success)
    throw failures.missingArguments(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

const ok = (json: unknown): Answer => ({ status: 200, json });

export function accountJson(a: SandboxAccountView) {
  return {
    id: a.id,
    iban: a.iban,
    owner_name: a.ownerName,
    username: a.username,
    account_class: a.accountClass,
    balance: euroNumber(a.balanceCents),
    balance_available: euroNumber(a.availableCents),
    reserved: euroNumber(a.reservedCents),
    ...(a.holderRef === null ? {} : { holder_ref: a.holderRef }),
  };
}

/** The /sandbox/v1 routes. */
export function adminRoutes(world: SandboxWorld, admin: SandboxAdmin): RouteSpec[] {
  const formJson = (f: SandboxFormView) => {
    const record = world.state.forms[f.id];
    const wire = record ? formWire(world, record) : {};
    // Unlike DropPay's GET, this listing may end up on a screen: the listener is shown without its credentials.
    const webhooks = record?.webhookUrl ? { all: withoutCredentials(record.webhookUrl) } : undefined;
    return { ...wire, webhooks, account_id: f.accountId, awaiting_approval: f.awaitingApproval };
  };
  const route = (method: string, path: string, handle: RouteSpec["handle"]): RouteSpec => ({
    method,
    path: new RegExp(`^/sandbox/v1${path}$`),
    handle,
  });
  return [
    route("POST", "/accounts", async (call) => {
      const body = await input(call, accountRequest);
      const created = admin.createAccount({
        balanceCents: body.balance,
        ownerName: body.owner_name,
        accountClass: body.account_class,
        holderRef: body.holder_ref,
      });
      return ok({
        account: accountJson(created.account),
        access_token: created.accessToken,
        token_type: "bearer",
        expires_in: created.expiresInSeconds,
        refresh_token: created.refreshToken,
        connection_code: created.connectionCode,
      });
    }),
    route("GET", "/accounts", () => ok({ accounts: admin.accounts().map(accountJson) })),
    route("POST", "/reset", () => {
      const summary = admin.reset();
      return ok({ notices_forgotten: summary.noticesForgotten, accounts_refilled: summary.accountsRefilled });
    }),
    route("POST", "/accounts/([^/]+)/credit", async (call) => {
      const { amount } = await input(call, z.object({ amount: euroIn }));
      return ok({ account: accountJson(admin.credit(call.params[0] ?? "", amount)) });
    }),
    route("GET", "/forms", () => ok({ forms: admin.forms().map(formJson) })),
    route("PATCH", "/forms/([^/]+)", async (call) => {
      const body = await input(call, z.object({ notice_amount: euroIn.optional(), fee: euroIn.optional() }));
      const form = admin.updateForm(call.params[0] ?? "", {
        noticeAmountCents: body.notice_amount,
        feeCents: body.fee,
      });
      return ok(formJson(form));
    }),
    route("GET", "/test-notices", () => ok({ test_notices: admin.testNotices })),
    route("GET", "/faults", () => ok({ faults: admin.faults.list() })),
    route("POST", "/faults", async (call) => {
      const f = await input(call, faultRequest);
      const fault =
        f.kind === "error"
          ? { kind: f.kind, status: f.status, body: f.body, after: f.after }
          : f.kind === "drop"
            ? { kind: f.kind, after: f.after }
            : { kind: f.kind, ms: f.ms ?? 1_000, after: f.after };
      admin.faults.inject(f.route, fault, { times: f.times, formId: f.form_id });
      return ok({ faults: admin.faults.list() });
    }),
    route("DELETE", "/faults", () => {
      admin.faults.clear();
      return ok({ faults: [] });
    }),
    route("GET", "/calls", () => ok(admin.calls())),
    route("DELETE", "/calls", () => {
      admin.resetCalls();
      return ok(admin.calls());
    }),
    route("POST", "/tokens/expire", () => ok({ expired: admin.expireTokens() })),
    route("POST", "/clock", async (call) => {
      const { advance_ms } = await input(call, z.object({ advance_ms: z.number().int().min(0) }));
      admin.advanceClock(advance_ms);
      return ok({ now: new Date(admin.now()).toISOString() });
    }),
    route("POST", "/scheduler/run", () => ok({ started: admin.runScheduled() })),
    route("GET", "/chaos", () => chaosJson(admin)),
    route("PUT", "/chaos", async (call) => {
      const c = await input(call, chaosRequest);
      admin.webhooks.setChaos({ duplicate: c.duplicate, delayMs: c.delay_ms, reorder: c.reorder });
      return chaosJson(admin);
    }),
    route("GET", "/webhooks", () => ok({ deliveries: admin.webhooks.log() })),
    route("POST", "/webhooks/fail", async (call) => {
      const { count } = await input(call, z.object({ count: z.number().int().min(0).max(1000) }));
      admin.webhooks.failNext(count);
      return ok({ failing: count });
    }),
    route("POST", "/webhooks/redeliver", async (call) => {
      const body = await input(call, z.object({ form_id: z.string(), status: z.string().optional() }));
      if (!admin.webhooks.redeliver(body.form_id, body.status)) throw failures.notFound();
      return ok({ redelivered: true });
    }),
    route("PUT", "/second-factor", async (call) => {
      const { enabled } = await input(call, z.object({ enabled: z.boolean() }));
      admin.setSecondFactor(enabled);
      return ok({ enabled: admin.secondFactor() });
    }),
    route("GET", "/approvals", () => {
      const pending = admin.pendingApprovals();
      return ok({ connections: pending.connections, dispositions: pending.dispositions.map(formJson) });
    }),
    route("POST", "/approvals/([^/]+)", async (call) => {
      const { action } = await input(call, z.object({ action: z.enum(["approve", "refuse"]) }));
      const id = call.params[0] ?? "";
      return ok(formJson(action === "approve" ? admin.approveDisposition(id) : admin.refuseDisposition(id)));
    }),
    route("POST", "/connections/([^/]+)", async (call) => {
      const body = await input(
        call,
        z.object({
          action: z.enum(["grant", "refuse"]),
          account_id: z.string().optional(),
          balance: euroIn.optional(),
        }),
      );
      const id = call.params[0] ?? "";
      if (body.action === "refuse") return ok(admin.refuseConnection(id));
      const choice = body.account_id ? { accountId: body.account_id } : { newBalanceCents: body.balance ?? 50_000 };
      return ok(admin.grantConnection(id, choice));
    }),
  ];
}

function chaosJson(admin: SandboxAdmin): Answer {
  const c = admin.webhooks.chaos();
  return ok({ duplicate: c.duplicate, delay_ms: c.delayMs, reorder: c.reorder });
}
