import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites start real loopback servers (sandbox, Bot API peer); give them room on a 2-core CI machine.
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Vitest's default on a 2-core machine is one worker (cores − 1): the suite would run file after file while
    // most of it waits on loopback peers and timers. Two fit CI's 15 minutes; the tests allow for a busy CPU.
    maxWorkers: 2,
  },
});
