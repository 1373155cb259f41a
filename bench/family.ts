// Measures the family domain's costs on the embedded SQLite store: rendering a receipt PDF, reading the reminders
// due (store reads and time, with thousands scheduled), and cap reservations racing on two connections.
//   npm run bench:family -- [runs=15]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createManualClock } from "../src/droppay/clock.ts";
import { createCaps } from "../src/family/caps.ts";
import { createHouseholds } from "../src/family/households.ts";
import { renderReceipt } from "../src/family/receipt.ts";
import { createReminders } from "../src/family/reminders.ts";
import { createFamilyStore } from "../src/family/store.ts";
import type { Cents } from "../src/notice/money.ts";
import type { AtomicKv } from "../src/store/kv.ts";
import { createSqliteKv } from "../src/store/sqlite-kv.ts";

const runs = Number(process.argv[2] ?? 15);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const c = (n: number) => n as Cents;

async function receipts(): Promise<void> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const pdf = await renderReceipt(
      {
        payeeName: "Comune di Milano",
        payeeFiscalCode: "01199250158",
        description: "TARI 2025 prima rata",
        noticeNumber: "301000000012345678",
        amountCents: c(102969),
        feeCents: c(100),
        agioCents: c(0),
        totalCents: c(103069),
        iur: `IUR${i}`,
        paidAt: Date.UTC(2025, 0, 4, 13, 5),
        account: "Anna Rossi · IT60…4567",
        askedBy: "Marco",
        approvedBy: "Anna",
      },
      "it",
    );
    times.push(performance.now() - started);
    bytes = pdf.byteLength;
  }
  console.log(`receipt: median ${median(times).toFixed(1)} ms over ${runs} renders, ${bytes} bytes`);
}

/** Counts store reads, to show what reading the due reminders costs. */
function counting(kv: AtomicKv) {
  const calls = { get: 0, keys: 0 };
  return {
    calls,
    kv: {
      ...kv,
      get: (key: string) => {
        calls.get++;
        return kv.get(key);
      },
      keys: (prefix: string) => {
        calls.keys++;
        return kv.keys(prefix);
      },
    } satisfies AtomicKv,
  };
}

async function reminders(file: string): Promise<void> {
  const clock = createManualClock(Date.parse("2025-01-01T10:00:00Z"));
  const writer = createSqliteKv(file);
  const setup = createReminders(createFamilyStore(writer), clock, { replicaId: "setup" });
  const notices = 1000;
  for (let i = 0; i < notices; i++) {
    const day = 10 + (i % 110); // due dates spread over ~four months
    const due = new Date(Date.UTC(2025, 0, day)).toISOString().slice(0, 10);
    await setup.schedule({ householdId: `telegram:-${i % 50}`, rptId: `rpt${i}`, paymentId: `p${i}`, dueDate: due });
  }
  const { kv, calls } = counting(createSqliteKv(file));
  const reader = createReminders(createFamilyStore(kv), clock, { replicaId: "reader" });
  clock.set(Date.parse("2025-02-10T08:30:00Z"));
  const times: number[] = [];
  let due = 0;
  for (let i = 0; i < runs; i++) {
    calls.get = 0;
    const started = performance.now();
    due = (await reader.dueReminders(clock.now())).length;
    times.push(performance.now() - started);
  }
  console.log(
    `dueReminders: ${notices * 3} reminders stored, ${due} due; ${calls.get} reads, ${calls.keys} key listings, ` +
      `median ${median(times).toFixed(1)} ms over ${runs} calls`,
  );
  await kv.close();
  await writer.close();
}

async function caps(file: string): Promise<void> {
  const clock = createManualClock(Date.parse("2025-01-10T10:00:00Z"));
  const a = createFamilyStore(createSqliteKv(file));
  const b = createFamilyStore(createSqliteKv(file));
  const chat = { platform: "telegram" as const, chatId: "-1", kind: "group" as const };
  const households = createHouseholds(a);
  await households.create(chat, { userId: "1", name: "Anna" }, { accountId: "a", label: null }, clock.now());
  await households.noteSeen(chat, { userId: "2", name: "Marco" }, clock.now());
  await households.setCap(chat, "1", "2", 100_000);
  const racers = 200;
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: racers }, (_, i) =>
      createCaps(i % 2 === 0 ? a : b, clock).reserve({
        householdId: "telegram:-1",
        memberId: "2",
        paymentId: `p${i}`,
        amountCents: c(1000),
      }),
    ),
  );
  const elapsed = performance.now() - started;
  const through = results.filter((r) => r.ok).length;
  console.log(
    `caps: ${racers} reservations of 10,00 € racing on two SQLite connections against a 1.000,00 € cap: ` +
      `${through} held (cap allows 100), ${elapsed.toFixed(0)} ms in all`,
  );
}

const dir = mkdtempSync(join(tmpdir(), "pagobot-bench-family-"));
try {
  await receipts();
  await reminders(join(dir, "reminders.sqlite"));
  await caps(join(dir, "caps.sqlite"));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
