import type { DropPayRoute } from "../errors.ts";

// Fault injection for reliability tests (payments.md, reliability table): the next call(s) of a route answer an
// error, lose the connection, or wait, either before the effect or after it ("lost response": the DRAFT is
// created or the disposition executed, and then the answer is a 500 or nothing at all).

/** What to do to a call. `after: true` commits the call's effect first. */
export type SandboxFault =
  | {
      readonly kind: "error";
      /** Default 500. */
      readonly status?: number;
      /** DropPay's error body; absent or null answers with no body and no Content-Type. */
      readonly body?: { readonly code: string; readonly description: string } | null;
      readonly after?: boolean;
    }
  | { readonly kind: "drop"; readonly after?: boolean }
  | { readonly kind: "delay"; readonly ms: number; readonly after?: boolean };

/** A fault waiting for its calls. */
export interface FaultRule {
  readonly route: DropPayRoute;
  readonly fault: SandboxFault;
  /** Only calls about this form (get, patch, delete, disposition). */
  readonly formId: string | null;
  remaining: number;
}

/** How many calls each route and each form received. */
export interface CallCounts {
  readonly byRoute: Readonly<Partial<Record<DropPayRoute, number>>>;
  readonly byForm: Readonly<Record<string, Readonly<Partial<Record<DropPayRoute, number>>>>>;
}

/** The fault table and the call counters. */
export interface FaultBoard {
  inject(route: DropPayRoute, fault: SandboxFault, options?: { times?: number; formId?: string }): void;
  /** Counts a call and hands back the fault it must suffer, if any (used up as it is taken). */
  take(route: DropPayRoute, formId: string | null): SandboxFault | null;
  /** Counts a call again under its form once the form is known (create). */
  attribute(route: DropPayRoute, formId: string): void;
  rules(): readonly FaultRule[];
  clear(): void;
  calls(): CallCounts;
  resetCalls(): void;
}

export function createFaultBoard(): FaultBoard {
  let rules: FaultRule[] = [];
  let byRoute: Partial<Record<DropPayRoute, number>> = {};
  let byForm: Record<string, Partial<Record<DropPayRoute, number>>> = {};
  const countForm = (route: DropPayRoute, formId: string) => {
    const counts = byForm[formId] ?? {};
    counts[route] = (counts[route] ?? 0) + 1;
    byForm[formId] = counts;
  };
  return {
    inject(route, fault, options) {
      rules.push({ route, fault, formId: options?.formId ?? null, remaining: Math.max(1, options?.times ?? 1) });
    },
    take(route, formId) {
      byRoute[route] = (byRoute[route] ?? 0) + 1;
      if (formId !== null) countForm(route, formId);
      const rule = rules.find((r) => r.route === route && (r.formId === null || r.formId === formId));
      if (rule === undefined) return null;
      rule.remaining--;
      if (rule.remaining <= 0) rules = rules.filter((r) => r !== rule);
      return rule.fault;
    },
    attribute: countForm,
    rules: () => rules.map((r) => ({ ...r })),
    clear() {
      rules = [];
    },
    calls: () => ({
      byRoute: { ...byRoute },
      byForm: Object.fromEntries(Object.entries(byForm).map(([id, counts]) => [id, { ...counts }])),
    }),
    resetCalls() {
      byRoute = {};
      byForm = {};
    },
  };
}
