import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites start real loopback servers (sandbox, Bot API peer); give them room on a 2-core CI machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
