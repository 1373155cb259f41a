import { beforeEach } from "vitest";

/**
 * Tests left out of mutation runs, each with its reason. Under StrykerJS the code runs instrumented and slower, and
 * these tests depend on timing, so they fail on the unmutated code and Stryker refuses to start.
 */
const timingDependent = new Map<string, string>([
  [
    "announces PROMISED, then PAID, each once and in that order",
    "needs the engine to read the form inside the sandbox's 30 ms PROMISED window; slower code reads PAID at once",
  ],
]);

beforeEach((context) => {
  const reason = timingDependent.get(context.task.name);
  if (reason !== undefined) context.skip(`left out of mutation runs: ${reason}`);
});
