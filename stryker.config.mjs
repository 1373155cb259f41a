// @ts-check
/**
 * Mutation testing of the payment path (`npm run test:mutation`; not part of .ci/run, it takes a while).
 * Each mutant of the files below is run against the engine, webhook and store suites only
 * (vitest.mutation.config.ts). Reports go to reports/mutation/ (git-ignored).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner", "./stryker.ignore-logs.mjs"],
  ignorers: ["log-calls"],
  vitest: { configFile: "vitest.mutation.config.ts", related: false },
  mutate: [
    "src/engine/flows/confirm-payment.ts",
    "src/engine/flows/refresh-payment.ts",
    "src/engine/flows/apply-status.ts",
    "src/engine/flows/open-payment.ts",
    "src/engine/flows/manage-payment.ts",
    "src/engine/outbox.ts",
    "src/webhooks/*.ts",
    "src/store/collection.ts",
    "src/store/engine-store.ts",
  ],
  coverageAnalysis: "perTest",
  // A static mutant (one in code that runs at import) would need the whole suite run for it alone: left out.
  ignoreStatic: true,
  // The machine running this is usually shared: two workers at most.
  concurrency: 2,
  // A mutant that makes a test wait (a loop that never settles) is cut this long after the test's normal time.
  timeoutMS: 5_000,
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  incrementalFile: "reports/mutation/stryker-incremental.json",
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
};
