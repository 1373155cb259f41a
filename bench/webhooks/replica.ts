// One pagobot replica for bench:webhooks, assembled as `npm start` assembles it (createApp, then the Telegram
// adapter from the same settings), with three differences the measurement needs: the store is wrapped to count
// operations, the DropPay sandbox is the driver's (it holds back the PAID webhooks to replay them), and the
// reconciler's timer is slowed to an hour, so that only the replayed webhooks announce the payments.
import { telegramFromConfig } from "../../adapters/telegram/from-config.ts";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config/load.ts";
import { defaultSandboxApp, type SandboxHandle } from "../../src/droppay/sandbox/index.ts";
import { openKv } from "../../src/store/open-kv.ts";
import { countingKv } from "./counting-kv.ts";
import { serveDriver } from "./protocol.ts";

const config = loadConfig(process.env);
const sandboxUrl = process.env.BENCH_SANDBOX_URL ?? "";
const counted = countingKv(openKv(config.STORE_URL, process.env.BENCH_NAMESPACE ?? "pagobot"));
// The driver's sandbox, seen from here as the embedded one is: its URL (demo accounts are made through its
// admin API by URL) and its application. Nothing in createApp or the Telegram adapter reads `admin`.
const sandbox: SandboxHandle = {
  url: sandboxUrl,
  app: defaultSandboxApp,
  admin: undefined as unknown as SandboxHandle["admin"],
  close: async () => {},
};
const app = await createApp(config, { kv: counted.kv, sandbox, reconcilerTickMs: 3_600_000 });
const telegram = telegramFromConfig(config, app);
const { url } = await app.start();
await telegram?.start();
serveDriver({
  counts: counted.counts,
  byArea: counted.byArea,
  reset: counted.reset,
  stop: async () => {
    await telegram?.stop();
    await app.stop({ graceMs: 2_000 });
    await counted.kv.close();
  },
});
process.send?.({ type: "up", url });
