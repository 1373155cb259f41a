// Operations: readiness, Prometheus metrics, and the wrappers that feed them.
export { collectEngineGauges } from "./engine-gauges.ts";
export { instrumentScanner } from "./instrumented-scanner.ts";
export { createMetrics, type Metrics, type MetricsOptions, type OutboxSnapshot, type ScanOutcome } from "./metrics.ts";
export { mountOps, type OpsOptions } from "./mount-ops.ts";
export { checkReadiness, type Readiness } from "./readiness.ts";
export { timeWebhooks } from "./webhook-timing.ts";
