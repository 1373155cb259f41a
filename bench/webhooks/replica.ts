// One pagobot replica for bench:webhooks, in a process of its own started as `npm start` starts pagobot (node with
// tsx, the same malloc settings, the settings from its environment) and assembled as src/main.ts assembles it
// (createApp, then the Telegram adapter from the same settings), with what the measurement needs:
//   - the DropPay sandbox is the bench's own process (BENCH_SANDBOX_URL), seen as the embedded one is, so each
//     chat pays from its sandbox demo account as with `npm start` (no account to link per chat);
//   - the store's keys go under BENCH_NAMESPACE (a fresh prefix per run on the shared Redis);
//   - BENCH_COUNT_OPS=1 wraps the store to count its operations (by kind and by area), reported to the driver;
//   - the reconciler's timer is slowed to an hour, so that only the replayed webhooks announce the payments.
import { telegramFromConfig } from "../../adapters/telegram/from-config.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { defaultSandboxApp, type SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import { openKv } from "../../src/store/open-kv.ts";
import { countingKv } from "./counting-kv.ts";
import { serveDriver } from "./protocol.ts";

const config = loadConfig(process.env);
const sandboxUrl = process.env.BENCH_SANDBOX_URL ?? "";
const store = openKv(config.STORE_URL, process.env.BENCH_NAMESPACE ?? "pagobot");
const counted = process.env.BENCH_COUNT_OPS === "1" ? countingKv(store) : undefined;
const kv = counted?.kv ?? store;
// The bench's sandbox, seen from here as the embedded one is: its URL (demo accounts are made through its
// admin API by URL) and its application. Nothing in createApp or the Telegram adapter reads `admin`.
const sandbox: SandboxHandle = {
  url: sandboxUrl,
  app: defaultSandboxApp,
  admin: undefined as unknown as SandboxHandle["admin"],
  close: async () => {},
};
const app = await createApp(config, { kv, sandbox, reconcilerTickMs: 3_600_000 });
const telegram = telegramFromConfig(config, app);
const { url } = await app.start();
await telegram?.start();
serveDriver({
  ...(counted === undefined
    ? {}
    : { counts: counted.counts, byArea: counted.byArea, trips: counted.trips, reset: counted.reset }),
  stop: async () => {
    await telegram?.stop();
    await app.stop({ graceMs: 2_000 });
    await kv.close();
  },
});
process.send?.({ type: "up", url });
