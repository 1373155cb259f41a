// Measures what Slack itself times: how fast pagobot acknowledges a signed request (Slack gives up after 3 s and
// redelivers), and how long a person waits for the card after `/paga <codes>`. pagobot runs in-process with its
// embedded sandbox and an in-memory store; Slack is the local test peer. Prints each figure's median and p95.
//   npm run bench:slack -- [people=30] [concurrency=5]
import { slackFromConfig } from "../adapters/slack/from-config.ts";
import { createApp } from "../src/app.ts";
import { configSchema } from "../src/config/schema.ts";
import { createLogger } from "../src/log/logger.ts";
import { noticeNumber } from "../test/helpers/notices.ts";
import { startSlackPeer } from "../test/peers/slack/peer.ts";

const people = Number(process.argv[2] ?? 30);
const concurrency = Number(process.argv[3] ?? 5);
const paidPayee = "99999000013";

const peer = await startSlackPeer();
const config = configSchema.parse({
  SLACK_BOT_TOKEN: peer.token,
  SLACK_SIGNING_SECRET: peer.signingSecret,
  SLACK_API_URL: peer.apiUrl,
  STORE_URL: "memory://",
  PORT: "0",
  PLAYGROUND: "off",
  LOG_LEVEL: "silent",
});
const app = await createApp(config, { logger: createLogger({ level: "silent" }) });
const slack = slackFromConfig(config, app);
const { url } = await app.start();
await slack?.start();
peer.ingress.target = `${url}/slack/events`;

const ackMs: number[] = [];
const cardMs: number[] = [];
let next = 0;
async function worker(): Promise<void> {
  for (let i = next++; i < people; i = next++) {
    const person = peer.person(`Persona ${i}`);
    const dm = peer.dm(person);
    const since = peer.mark();
    const started = performance.now();
    const answer = await person.slash(dm, `${noticeNumber(50_000 + i)} ${paidPayee}`);
    ackMs.push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`not acked: ${answer.status ?? answer.failure}`);
    await peer.waitFor(
      (e) =>
        e.channel === dm.id &&
        e.side === "bot" &&
        "buttons" in e &&
        e.buttons.flat().some((b) => b.text.startsWith("Paga")),
      { since, timeoutMs: 60_000 },
    );
    cardMs.push(performance.now() - started);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};
const line = (name: string, values: number[]) =>
  `${name.padEnd(26)} median ${pct(values, 50).toFixed(0).padStart(5)} ms   p95 ${pct(values, 95).toFixed(0).padStart(5)} ms`;
process.stdout.write(
  `${people} people, ${concurrency} at a time\n${line("/paga acknowledged", ackMs)}\n${line("/paga → card shown", cardMs)}\n`,
);
await slack?.stop();
await app.stop();
await peer.stop();
