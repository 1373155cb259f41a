import { createHmac } from "node:crypto";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import type { OpCounts } from "./counting-kv.ts";

/** What the bench's driver asks a measured process: start counting, say what it counted, stop. */
export type ToChild = { readonly type: "mark" } | { readonly type: "report" } | { readonly type: "stop" };

/** What a measured process answers. `ops` is absent where there is no pagobot store to count (the floor). */
export type FromChild =
  | { readonly type: "up"; readonly url: string }
  | { readonly type: "marked" }
  | {
      readonly type: "report";
      readonly cpuMs: number;
      readonly ops?: OpCounts;
      readonly byArea?: Record<string, number>;
      /** Store round trips (counting-kv.ts `trips`). */
      readonly trips?: number;
    };

/** Answers the driver's messages over the IPC channel `fork` opened; `stop` runs on "stop". */
export function serveDriver(options: {
  counts?: () => OpCounts;
  byArea?: () => Record<string, number>;
  trips?: () => number;
  reset?: () => void;
  stop: () => Promise<void>;
}): void {
  let cpu = process.cpuUsage();
  const send = (message: FromChild) => process.send?.(message);
  // BENCH_CPU_PROFILE=<file>: a CPU profile of the measured window only (open it in Chrome's DevTools).
  const profileFile = process.env.BENCH_CPU_PROFILE;
  let profiles = 0;
  const session = profileFile ? new Session() : undefined;
  session?.connect();
  process.on("message", async (message: ToChild) => {
    if (message.type === "mark") {
      options.reset?.();
      if (session !== undefined) {
        await session.post("Profiler.enable");
        await session.post("Profiler.start");
      }
      cpu = process.cpuUsage();
      send({ type: "marked" });
    } else if (message.type === "report") {
      const used = process.cpuUsage(cpu);
      if (session !== undefined && profileFile !== undefined) {
        const { profile } = await session.post("Profiler.stop");
        // One file per process and phase (the driver marks each phase): <file>.<pid>.<n>.cpuprofile
        writeFileSync(`${profileFile}.${process.pid}.${++profiles}.cpuprofile`, JSON.stringify(profile));
      }
      const ops = options.counts?.();
      const byArea = options.byArea?.();
      const trips = options.trips?.();
      send({
        type: "report",
        cpuMs: (used.user + used.system) / 1000,
        ...(ops === undefined ? {} : { ops }),
        ...(byArea === undefined ? {} : { byArea }),
        ...(trips === undefined ? {} : { trips }),
      });
    } else {
      void options.stop().finally(() => process.exit(0));
    }
  });
}

/** The floor's webhook password for `id`: an HMAC, so the floor checks it with no store at all. */
export const floorPassword = (authKey: Buffer, id: string): string =>
  createHmac("sha256", authKey).update(id).digest("base64url");
