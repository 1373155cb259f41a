import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log/logger.ts";
import { createScanService, createScanWorker, scanQueueRedisUrl } from "../../src/scan-queue/index.ts";
import { bullConnection } from "../../src/scan-queue/redis-connection.ts";
import { printedPicture } from "../helpers/printed-picture.ts";
import { fixtureDir, readManifest } from "../scanner/corpus.ts";
import { removeScanQueues } from "./remove-queues.ts";

const entry = readManifest(fixtureDir).find((e) => e.file === "dev-0094.jpg");
const photo = readFileSync(join(fixtureDir, "dev-0094.jpg"));

describe("the scan service the composition root makes", () => {
  it("scans and reads due dates in this process's threads when there is no Redis (the embedded default)", async () => {
    const service = createScanService({ redisUrl: undefined, logger: silentLogger, workers: 1 });
    try {
      const result = await service.scanner.scan(photo, {});
      expect(result.notices.map((n) => n.qrText)).toEqual(entry?.expected);
      const notice = await printedPicture(["Da pagare entro il 04/01/2025"]);
      expect(await service.dueDates.read(notice, "2024-12-01")).toMatchObject({ date: "2025-01-04" });
    } finally {
      await service.close();
    }
  });

  it("takes the queue's Redis from REDIS_URL, else from a redis:// STORE_URL, else none", () => {
    expect(scanQueueRedisUrl({ REDIS_URL: "redis://a:6379", STORE_URL: "redis://b:6379" })).toBe("redis://a:6379");
    expect(scanQueueRedisUrl({ STORE_URL: "rediss://b:6380" })).toBe("rediss://b:6380");
    expect(scanQueueRedisUrl({ STORE_URL: "sqlite://./data/pagobot.sqlite" })).toBeUndefined();
  });

  // Needs a real Redis for BullMQ; CI sets REDIS_URL.
  it.skipIf(process.env.REDIS_URL === undefined)(
    "with Redis, a replica with no dedicated worker still reads photos (it takes its own jobs)",
    async () => {
      const redisUrl = process.env.REDIS_URL ?? "";
      const queueName = `test-scans-${randomUUID().slice(0, 8)}`;
      const service = createScanService({ redisUrl, logger: silentLogger, workers: 1, queueName });
      try {
        const result = await service.scanner.scan(photo, {});
        expect(result.notices.map((n) => n.qrText)).toEqual(entry?.expected);
        const queue = new Queue(queueName, { connection: bullConnection(redisUrl) });
        // It went through the queue, not around it.
        expect(await queue.getCompletedCount()).toBe(1);
        await queue.close();
      } finally {
        await service.close();
        await removeScanQueues(redisUrl, queueName);
      }
    },
  );

  it.skipIf(process.env.REDIS_URL === undefined)(
    "with Redis and 0 scan threads, a replica only queues: the photo waits until a worker takes it and reads it",
    async () => {
      const redisUrl = process.env.REDIS_URL ?? "";
      const queueName = `test-scans-${randomUUID().slice(0, 8)}`;
      const replica = createScanService({ redisUrl, logger: silentLogger, workers: 0, queueName });
      const queue = new Queue(queueName, { connection: bullConnection(redisUrl) });
      let worker: ReturnType<typeof createScanWorker> | undefined;
      try {
        const answer = replica.scanner.scan(photo, {});
        await expect.poll(() => queue.getWaitingCount()).toBe(1);
        // Nobody takes from the queue: the replica keeps no BullMQ worker on it.
        expect(await queue.getWorkersCount()).toBe(0);

        worker = createScanWorker({ redisUrl, logger: silentLogger, concurrency: 1, queueName });
        const result = await answer;
        expect(result.notices.map((n) => n.qrText)).toEqual(entry?.expected);
        expect(await queue.getCompletedCount()).toBe(1);
      } finally {
        await worker?.close();
        await replica.close();
        await queue.close();
        await removeScanQueues(redisUrl, queueName);
      }
    },
  );
});
