// The DropPay sandbox for bench:webhooks, in a process of its own (as `npm run sandbox` runs it), so that neither
// the replicas nor the driver pay for its work. Its PAID webhooks, signed and addressed as droppay-api.md says
// (each form's own URL and credentials), are held back here (answered 204, as if delivered) and handed to the
// driver, which replays them. The others are dropped: pagobot knows DRAFT, READY and RUNNING from its own calls'
// answers, and a RUNNING webhook delivered late would find the form PAID and announce it before the replay.
import { startSandbox } from "../../src/droppay/sandbox/index.ts";

/** One held webhook delivery: what the sandbox would have POSTed. */
export interface Held {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type ToSandbox = { readonly type: "take" } | { readonly type: "stop" };
export type FromSandbox =
  | { readonly type: "up"; readonly url: string; readonly accessToken: string }
  | { readonly type: "held"; readonly deliveries: Held[] };

let held: Held[] = [];
const sandbox = await startSandbox({
  fetch: async (url, init) => {
    const body = String(init.body);
    if ((JSON.parse(body) as { status?: string }).status === "PAID") {
      held.push({ url, headers: init.headers as Record<string, string>, body });
    }
    return new Response(null, { status: 204 });
  },
});
// The floor's forms are made straight at the sandbox, with this funded account's token.
const { accessToken } = sandbox.admin.createAccount({ balanceCents: 1_000_000_000 });
const send = (message: FromSandbox) => process.send?.(message);
process.on("message", (message: ToSandbox) => {
  if (message.type === "take") {
    send({ type: "held", deliveries: held });
    held = [];
  } else {
    void sandbox.close().finally(() => process.exit(0));
  }
});
send({ type: "up", url: sandbox.url, accessToken });
