import type { Logger } from "../log/logger.ts";
import type { EngineContext } from "./context.ts";
import type { PaymentRecord } from "./records.ts";

/**
 * Loggers whose every line names the request that brought a notice in: one id follows a notice from the event
 * (photo or text) through the scan, the form, the disposition and the webhook to the PAID message.
 */

/** For the event being handled (before a payment exists): its request id, when there is one. */
export function requestLogger(ctx: Pick<EngineContext, "logger" | "requestId">): Logger {
  return ctx.requestId === undefined ? ctx.logger : ctx.logger.child({ requestId: ctx.requestId });
}

/** For a payment: the request id it was opened by (records from before it have none) and its id. */
export function paymentLogger(ctx: Pick<EngineContext, "logger">, p: Pick<PaymentRecord, "id" | "requestId">): Logger {
  return ctx.logger.child({ ...(p.requestId === undefined ? {} : { requestId: p.requestId }), paymentId: p.id });
}
