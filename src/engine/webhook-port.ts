/**
 * Listener URLs for the PSP, with fresh per-item credentials in their userinfo (payments.md R3). src/webhooks
 * implements it: it keeps only a hash of each credential and checks deliveries against it.
 */
export interface WebhookUrls {
  /** The URL DropPay posts a payment's form changes to: `https://<id>:<secret>@host/droppay/hook/<id>`. */
  forPayment(paymentId: string): Promise<string>;
  /** The URL DropPay posts a Connection's changes to, for a pending `/collega`. */
  forLink(linkId: string): Promise<string>;
}
