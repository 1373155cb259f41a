import type { PaymentOverview, PersonQuery } from "../../src/engine/read-api.ts";

export type { PaymentListItem, PaymentOverview } from "../../src/engine/read-api.ts";

/** Where the Home tab reads a person's payments from: the engine's read API (`Engine.overview`). */
export type OverviewSource = (person: PersonQuery & { readonly platform: "slack" }) => Promise<PaymentOverview>;
