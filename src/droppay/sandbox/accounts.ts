import type { DropPayConnection, TokenGrant } from "../auth/schemas.ts";
import { issueUserTokens } from "./auth-state.ts";
import { romeDateTime } from "./dates.ts";
import { sandboxIban } from "./iban.ts";
import type { AccountRecord, ConnectionRecord } from "./state.ts";
import { failures, type SandboxWorld } from "./world.ts";

const owners = ["Maria Rossi", "Giuseppe Verdi", "Anna Ferrari", "Luca Bianchi", "Sofia Greco", "Davide Conti"];

/** What creating a test account gives: the account, its connection code and a ready user token. */
export interface CreatedAccount {
  readonly account: AccountRecord;
  readonly connectionCode: string;
  readonly tokens: TokenGrant;
}

/** Creates a funded account, already connected (its connection code works for any application). */
export function createAccount(
  world: SandboxWorld,
  options: {
    balanceCents: number;
    ownerName?: string;
    accountClass?: "PERSONAL" | "BUSINESS";
    holderRef?: string;
  },
): CreatedAccount {
  if (!Number.isSafeInteger(options.balanceCents) || options.balanceCents < 0) {
    throw failures.missingArguments("balance must be a non-negative amount");
  }
  const serial = String(Object.keys(world.state.accounts).length + 1);
  const phone = `33${String(Math.floor(world.random.next() * 1e8)).padStart(8, "0")}`;
  const account: AccountRecord = {
    id: world.random.id("BAC", 10),
    iban: sandboxIban(`${phone}${serial.padStart(2, "0")}`),
    ownerName: options.ownerName ?? owners[Math.floor(world.random.next() * owners.length)] ?? "Maria Rossi",
    username: phone,
    accountClass: options.accountClass ?? "PERSONAL",
    balanceCents: options.balanceCents,
    reservedCents: 0,
    createdAt: world.now(),
    openingBalanceCents: options.balanceCents,
    holderRef: options.holderRef ?? null,
  };
  world.state.accounts[account.id] = account;
  const connectionCode = world.random.token();
  world.state.connectionCodes[connectionCode] = { accountId: account.id, appKey: null, revoked: false };
  const tokens = issueUserTokens(world, connectionCode, null);
  return { account, connectionCode, tokens };
}

/** Credits (or, negative, debits) a test account. */
export function adjustBalance(world: SandboxWorld, accountId: string, deltaCents: number): AccountRecord {
  const account = world.state.accounts[accountId];
  if (account === undefined) throw failures.notFound();
  account.balanceCents += deltaCents;
  world.changed();
  return account;
}

/** A Connection as DropPay's API shows it. */
export function connectionView(world: SandboxWorld, connection: ConnectionRecord): DropPayConnection {
  return {
    id: connection.id,
    status: connection.status,
    sharingUrl: `${world.baseUrl}/u/20/${connection.id}`,
    connectionCode: connection.connectionCode,
    createdAt: romeDateTime(connection.createdAt),
  };
}

/** `POST /oa2/v1/connection`: a Connection waiting for the person. */
export function createConnection(world: SandboxWorld, appKey: string, webhookUrl: string | null): ConnectionRecord {
  const connection: ConnectionRecord = {
    id: world.random.id("CNN", 9),
    appKey,
    status: "WAITING",
    webhookUrl,
    createdAt: world.now(),
    accountId: null,
    connectionCode: null,
  };
  world.state.connections[connection.id] = connection;
  world.changed();
  return connection;
}

/** A Connection of this application, or 404 (another application's Connection is not revealed). */
export function connectionOf(world: SandboxWorld, id: string, appKey: string | null): ConnectionRecord {
  const connection = world.state.connections[id];
  if (connection === undefined || (appKey !== null && connection.appKey !== appKey)) throw failures.notFound();
  return connection;
}

/** The person grants on the sharing page: to an existing account, or to a new one funded with `newBalanceCents`. */
export function grantConnection(
  world: SandboxWorld,
  id: string,
  choice: { accountId: string } | { newBalanceCents: number; ownerName?: string },
): ConnectionRecord {
  const connection = connectionOf(world, id, null);
  if (connection.status !== "WAITING") throw failures.statusViolation();
  let accountId: string;
  if ("accountId" in choice) {
    if (world.state.accounts[choice.accountId] === undefined) throw failures.notFound();
    accountId = choice.accountId;
  } else {
    accountId = createAccount(world, { balanceCents: choice.newBalanceCents, ownerName: choice.ownerName }).account.id;
  }
  const code = world.random.token();
  world.state.connectionCodes[code] = { accountId, appKey: connection.appKey, revoked: false };
  connection.status = "GRANTED";
  connection.accountId = accountId;
  connection.connectionCode = code;
  world.connectionChanged(connection);
  return connection;
}

/** The person refuses on the sharing page. */
export function refuseConnection(world: SandboxWorld, id: string): ConnectionRecord {
  const connection = connectionOf(world, id, null);
  if (connection.status !== "WAITING") throw failures.statusViolation();
  connection.status = "REFUSED";
  world.connectionChanged(connection);
  return connection;
}

/** `DELETE /oa2/v1/connection/{id}`: withdraws a Connection not granted yet; a granted one has its code revoked. */
export function deleteConnection(world: SandboxWorld, id: string, appKey: string): ConnectionRecord {
  const connection = connectionOf(world, id, appKey);
  if (connection.status === "DELETED") return connection;
  if (connection.connectionCode !== null) {
    const revoked = connection.connectionCode;
    const code = world.state.connectionCodes[revoked];
    if (code !== undefined) code.revoked = true;
    // Revoking a granted Connection (/scollega) ends what it gave: its access and refresh tokens answer 401/102.
    for (const [key, record] of Object.entries(world.state.tokens))
      if (record.connectionCode === revoked) delete world.state.tokens[key];
    for (const [key, record] of Object.entries(world.state.refreshTokens))
      if (record.connectionCode === revoked) delete world.state.refreshTokens[key];
  }
  connection.status = "DELETED";
  world.connectionChanged(connection);
  return connection;
}
