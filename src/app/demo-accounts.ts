import { z } from "zod";

/** A funded sandbox account made for one person, and the credentials that open it. */
export interface DemoAccount {
  readonly accountId: string;
  readonly connectionCode: string;
  readonly accessToken: string;
  readonly refreshToken: string;
  readonly expiresInSeconds: number;
}

/** Creates demo accounts (embedded mode only: the sandbox's own API, not DropPay's). */
export interface DemoAccounts {
  /** `personKey` (`platform:userId`) is recorded as the account's holder, so a panel can say whose it is. */
  create(personKey?: string): Promise<DemoAccount>;
}

const reply = z.object({
  account: z.object({ id: z.string() }),
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
  connection_code: z.string(),
});

/** The euro a demo account starts with: enough for any ordinary notice. */
const DEMO_BALANCE_EURO = 5000;

/** Demo accounts through the sandbox's `POST /sandbox/v1/accounts`. */
export function createSandboxDemoAccounts(sandboxUrl: string, fetchImpl: typeof fetch = fetch): DemoAccounts {
  return {
    async create(personKey) {
      const response = await fetchImpl(new URL("/sandbox/v1/accounts", sandboxUrl), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          balance: DEMO_BALANCE_EURO,
          owner_name: "Demo pagobot",
          ...(personKey === undefined ? {} : { holder_ref: personKey }),
        }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) throw new Error(`the sandbox refused a demo account (${response.status})`);
      const body = reply.parse(await response.json());
      return {
        accountId: body.account.id,
        connectionCode: body.connection_code,
        accessToken: body.access_token,
        refreshToken: body.refresh_token,
        expiresInSeconds: body.expires_in,
      };
    },
  };
}
