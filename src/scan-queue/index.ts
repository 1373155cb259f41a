// Scans spread over processes: the producer the engine's scanner port runs on, and the worker that takes jobs.
export { createQueuedScanner, type QueuedScanner, type QueuedScannerOptions } from "./producer.ts";
export { defaultScanQueueName } from "./protocol.ts";
export { scanQueueRedisUrl } from "./redis-url.ts";
export { createScanService, type ScanService, type ScanServiceOptions } from "./scan-service.ts";
export { createScanWorker, type ScanWorker, type ScanWorkerOptions } from "./worker.ts";
