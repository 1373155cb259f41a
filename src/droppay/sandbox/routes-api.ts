import {
  connectionToWire,
  parseConnectionRequest,
  parseTokenRequest,
  type TokenGrant,
  tokenReplyToWire,
} from "../auth/schemas.ts";
import { parseCreateFormBody, parsePatchFormBody } from "../schemas.ts";
import { connectionOf, connectionView, createConnection, deleteConnection } from "./accounts.ts";
import {
  checkApp,
  exchangeCode,
  issueAppToken,
  refreshUserTokens,
  requireApp,
  requireUser,
  type SandboxApp,
} from "./auth-state.ts";
import { dispose } from "./execution.ts";
import type { FaultBoard } from "./faults.ts";
import { formWire } from "./form-view.ts";
import { createForm, deleteForm, patchForm } from "./forms.ts";
import type { Answer, Call, RouteSpec } from "./http.ts";
import type { AccountRecord, FormRecord } from "./state.ts";
import { testNoticeFor } from "./test-notices.ts";
import { failures, type SandboxWorld } from "./world.ts";

// DropPay's own endpoints, as droppay-api.md lists them: the pagoPA form API and Authentication v.1.

const formPath = /^\/payments\/v3\/methods\/pagopa\/form\/([^/]+)$/;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function formOf(world: SandboxWorld, account: AccountRecord, id: string): FormRecord {
  const form = world.state.forms[id];
  // Another account's form is not revealed: it answers as an unknown one.
  if (form === undefined || form.accountId !== account.id) throw failures.notFound();
  return form;
}

function parsed<T>(result: { ok: true; value: T } | { ok: false; issues: string[] }): T {
  if (!result.ok) throw failures.missingArguments(result.issues.join("; "));
  return result.value;
}

const tokenAnswer = (grant: TokenGrant): Answer => ({ status: 200, json: tokenReplyToWire(grant) });

/** The DropPay API routes of the sandbox. */
export function apiRoutes(world: SandboxWorld, apps: readonly SandboxApp[], board: FaultBoard): RouteSpec[] {
  const auth = (call: Call) => call.req.headers.authorization;
  const formAnswer = (form: FormRecord, feeAsNumber = false): Answer => ({
    status: 200,
    json: formWire(world, form, { feeAsNumber }),
  });
  return [
    {
      method: "POST",
      path: /^\/oa2\/v1\/cc\/token$/,
      route: "app-token",
      handle: async (call) => {
        const request = parsed(parseTokenRequest(await call.json()));
        if (request.grantType !== "client_credentials") throw failures.missingArguments("grant_type");
        return tokenAnswer(issueAppToken(world, checkApp(apps, request.appKey, request.appSecret).key));
      },
    },
    {
      method: "POST",
      path: /^\/oa2\/v1\/ac\/token$/,
      route: "token",
      handle: async (call) => tokenAnswer(exchangeCode(world, apps, parsed(parseTokenRequest(await call.json())))),
    },
    {
      method: "PUT",
      path: /^\/oa2\/v1\/ac\/token$/,
      route: "token",
      handle: async (call) => tokenAnswer(refreshUserTokens(world, apps, parsed(parseTokenRequest(await call.json())))),
    },
    {
      method: "POST",
      path: /^\/oa2\/v1\/connection$/,
      route: "connection-create",
      handle: async (call) => {
        const appKey = requireApp(world, auth(call));
        const { webhookUrl } = parsed(parseConnectionRequest(await call.json()));
        const connection = createConnection(world, appKey, webhookUrl);
        return { status: 200, json: connectionToWire(connectionView(world, connection), webhookUrl) };
      },
    },
    {
      method: "GET",
      path: /^\/oa2\/v1\/connection\/([^/]+)$/,
      route: "connection-get",
      handle: (call) => {
        const connection = connectionOf(world, call.params[0] ?? "", requireApp(world, auth(call)));
        return { status: 200, json: connectionToWire(connectionView(world, connection), connection.webhookUrl) };
      },
    },
    {
      method: "DELETE",
      path: /^\/oa2\/v1\/connection\/([^/]+)$/,
      route: "connection-delete",
      handle: (call) => {
        const connection = deleteConnection(world, call.params[0] ?? "", requireApp(world, auth(call)));
        return { status: 200, json: connectionToWire(connectionView(world, connection), connection.webhookUrl) };
      },
    },
    {
      method: "POST",
      path: /^\/payments\/v3\/methods\/pagopa\/form$/,
      route: "create",
      handle: async (call) => {
        const account = requireUser(world, auth(call));
        const input = parsed(parseCreateFormBody(await call.json()));
        // The "slow" test payee: the node takes its time to answer.
        if (testNoticeFor(input.fiscalCode)?.behaviour === "slow") await wait(world.timing.slowMs);
        const form = createForm(world, account, input);
        board.attribute("create", form.id);
        return formAnswer(form);
      },
    },
    {
      method: "GET",
      path: formPath,
      route: "get",
      formParam: 0,
      handle: (call) => formAnswer(formOf(world, requireUser(world, auth(call)), call.params[0] ?? "")),
    },
    {
      method: "PATCH",
      path: formPath,
      route: "patch",
      formParam: 0,
      handle: async (call) => {
        const form = formOf(world, requireUser(world, auth(call)), call.params[0] ?? "");
        patchForm(world, form, parsed(parsePatchFormBody(await call.json())));
        return formAnswer(form);
      },
    },
    {
      method: "DELETE",
      path: formPath,
      route: "delete",
      formParam: 0,
      handle: (call) => {
        const form = formOf(world, requireUser(world, auth(call)), call.params[0] ?? "");
        deleteForm(world, form);
        return formAnswer(form, true);
      },
    },
    {
      method: "POST",
      path: /^\/payments\/v3\/methods\/pagopa\/form\/disposition\/([^/]+)$/,
      route: "disposition",
      formParam: 0,
      handle: async (call) => {
        const form = formOf(world, requireUser(world, auth(call)), call.params[0] ?? "");
        await call.json(); // `{}` by the reference; anything readable is accepted
        if (form.behaviour === "slow") await wait(world.timing.slowMs);
        dispose(world, form);
        return formAnswer(form, true);
      },
    },
  ];
}
