import type { CardTone } from "../../src/engine/views.ts";

/**
 * The read API the Home tab needs, as the Slack issue proposes it for the engine (src/engine/ports.ts): a
 * person's open notices and recent payments, already worded in their language. Declared here until the engine
 * provides it; the adapter shows it when an `overview` source is given, and only the usage text otherwise.
 */
export interface PaymentListItem {
  /** The payee (or the payee's fiscal code before the PSP named it). */
  readonly title: string;
  /** Amount and date, formatted ("121,50 € · 29/11/2026"). */
  readonly detail: string;
  /** The status as a word ("da confermare", "pagato"). */
  readonly status: string;
  readonly tone: CardTone;
}

export interface PaymentOverview {
  /** Notices waiting for the person (to confirm, in progress, scheduled), newest first. */
  readonly pending: readonly PaymentListItem[];
  /** The latest closed payments (paid, failed, cancelled), newest first. */
  readonly recent: readonly PaymentListItem[];
}

/** Where the Home tab reads a person's payments from. */
export type OverviewSource = (person: {
  readonly platform: "slack";
  readonly userId: string;
  readonly locale?: string;
}) => Promise<PaymentOverview>;
