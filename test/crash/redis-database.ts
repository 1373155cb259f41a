import { createConnection } from "node:net";

/**
 * A Redis database of its own for a test that starts whole pagobot processes (they take a STORE_URL, with no key
 * prefix): the first of `candidates` that no other run holds is claimed with a lock key, emptied but for that key,
 * and handed back with its URL. Two runs of the suite on one Redis (a CI run beside a developer's) then never empty
 * each other's database. A run that dies keeps its database only until the lock's TTL lapses.
 */
export interface ClaimedDatabase {
  readonly db: number;
  readonly url: string;
  release(): Promise<void>;
}

const LOCK_KEY = "pagobot-test-database-lock";

/** One RESP array per command; the replies come back as raw lines (`+OK`, `$-1`, …), one per command. */
async function redisCommands(url: string, commands: readonly (readonly string[])[]): Promise<string[]> {
  const { hostname, port } = new URL(url);
  const request = commands
    .map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`)
    .join("");
  return new Promise<string[]>((resolve, reject) => {
    const socket = createConnection({ host: hostname, port: Number(port || 6379) }, () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      // Each of our commands answers on one line, or two for a bulk string; `$-1` (nil) is one.
      const lines = answer.split("\r\n").filter(Boolean);
      const replies: string[] = [];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i] ?? "";
        replies.push(line);
        if (line.startsWith("$") && line !== "$-1") i++;
        else if (line.startsWith("*")) i += Number(line.slice(1));
      }
      if (replies.length >= commands.length) {
        socket.end();
        resolve(replies);
      }
    });
    socket.on("error", reject);
  });
}

export async function claimDatabase(
  redisUrl: string,
  candidates: readonly number[],
  ttlSeconds: number,
): Promise<ClaimedDatabase> {
  const owner = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  for (const db of candidates) {
    const [, taken] = await redisCommands(redisUrl, [
      ["SELECT", String(db)],
      ["SET", LOCK_KEY, owner, "NX", "EX", String(ttlSeconds)],
    ]);
    if (taken !== "+OK") continue;
    // Emptied and locked again in one transaction: nobody can claim it between the two.
    await redisCommands(redisUrl, [
      ["SELECT", String(db)],
      ["MULTI"],
      ["FLUSHDB"],
      ["SET", LOCK_KEY, owner, "EX", String(ttlSeconds)],
      ["EXEC"],
    ]);
    return {
      db,
      url: `${redisUrl.replace(/\/\d*$/, "")}/${db}`,
      release: async () => {
        await redisCommands(redisUrl, [["SELECT", String(db)], ["FLUSHDB"]]);
      },
    };
  }
  throw new Error(`every Redis database of ${candidates.join(", ")} is held by another test run`);
}
