// What Redis itself counted over a phase (INFO stats), for bench:webhooks: how often its clients wrote to it (each
// read it processed is one batch a client sent, so one write on the client's side), the commands run (a script
// counts as one, plus what it calls) and the bytes each way. On this machine a socket write is among the costliest
// things a process does, so these say more about a replica's CPU than the operation count alone.
import { createClient } from "@keyv/redis";

export interface RedisTraffic {
  readonly reads: number;
  readonly commands: number;
  readonly inBytes: number;
  readonly outBytes: number;
}

const FIELDS = {
  reads: "total_reads_processed",
  commands: "total_commands_processed",
  inBytes: "total_net_input_bytes",
  outBytes: "total_net_output_bytes",
} as const;

/** Opens one connection that takes INFO snapshots; `since(before)` is the traffic after `before`, less its own. */
export async function redisTrafficMeter(url: string) {
  const client = createClient({ url });
  await client.connect();
  const snapshot = async (): Promise<RedisTraffic> => {
    const info = await client.info("stats");
    const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(info)?.[1] ?? "0");
    return {
      reads: field(FIELDS.reads),
      commands: field(FIELDS.commands),
      inBytes: field(FIELDS.inBytes),
      outBytes: field(FIELDS.outBytes),
    };
  };
  return {
    snapshot,
    /** The traffic since `before`, less the one INFO this reading sent. */
    async since(before: RedisTraffic): Promise<RedisTraffic> {
      const after = await snapshot();
      return {
        reads: after.reads - before.reads - 1,
        commands: after.commands - before.commands - 1,
        inBytes: after.inBytes - before.inBytes,
        outBytes: after.outBytes - before.outBytes,
      };
    },
    close: () => client.quit(),
  };
}
