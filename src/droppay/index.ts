// The DropPay area's public surface: the engine and main import from here.
export { createDropPayAuth, type DropPayAuth, type DropPayAuthOptions, type UserTokens } from "./auth/auth.ts";
export type { ConnectionStatus, DropPayConnection } from "./auth/schemas.ts";
export {
  createSharedTokenSource,
  createUserTokenSource,
  deleteSharedTokens,
  type SharedTokenSourceOptions,
  type SharedTokenStore,
  sharedTokenKeys,
  staticTokenSource,
  type TokenSource,
  TokensForgottenError,
  type UserTokenSource,
  type UserTokenSourceOptions,
} from "./auth/token-source.ts";
export {
  createDropPayClient,
  type DispositionResult,
  type DropPayClient,
  type DropPayClientOptions,
} from "./client.ts";
export { type Clock, createManualClock, type ManualClock, type Sleep, systemClock } from "./clock.ts";
export * from "./errors.ts";
export * from "./form.ts";
export type { RetryPolicy } from "./retry.ts";
export type { FetchLike } from "./transport.ts";
