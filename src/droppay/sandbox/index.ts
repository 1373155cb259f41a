// The DropPay sandbox's public surface: main, tests and the playground import from here.
export type {
  SandboxAccountCredentials,
  SandboxAccountView,
  SandboxAdmin,
  SandboxConnectionView,
  SandboxFormView,
} from "./admin.ts";
export type { SandboxApp } from "./auth-state.ts";
export type { CallCounts, FaultRule, SandboxFault } from "./faults.ts";
export { defaultSandboxApp, type SandboxHandle, type SandboxOptions, startSandbox } from "./server.ts";
export {
  freshNoticeNumber,
  type SandboxTestNotice,
  sandboxTestNotices,
  type TestBehaviour,
  testNoticeFor,
} from "./test-notices.ts";
export type { WebhookChaos, WebhookLogEntry, WebhookRetryPolicy } from "./webhooks.ts";
export type { SandboxTiming } from "./world.ts";
