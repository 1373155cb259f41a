import { defineConfig } from "vitest/config";

/**
 * The suites StrykerJS runs for each mutant of the payment path (see stryker.config.mjs): only the engine,
 * webhook and store tests, so a mutation run stays bounded. Not used by `npm test`.
 */
export default defineConfig({
  test: {
    include: ["test/engine/**/*.test.ts", "test/webhooks/**/*.test.ts", "test/store/**/*.test.ts"],
    setupFiles: ["./vitest.mutation.setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
