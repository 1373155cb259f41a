import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/pagobot.js", import.meta.url));

describe("pagobot worker", () => {
  it("says where it takes its jobs from when no Redis is set, and exits 2", async () => {
    const env = { ...process.env, REDIS_URL: "", STORE_URL: "sqlite://./data/pagobot.sqlite" };
    const failure = await run(process.execPath, [bin, "worker"], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("set REDIS_URL (or STORE_URL=redis://…)");
  });

  it("refuses a concurrency that is not a positive whole number", async () => {
    const env = { ...process.env, REDIS_URL: "redis://127.0.0.1:6379" };
    const failure = await run(process.execPath, [bin, "worker", "--concurrency", "0"], { env }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("bad option value");
  });

  it("is listed in the help", async () => {
    const { stdout } = await run(process.execPath, [bin, "--help"]);
    expect(stdout).toMatch(/worker\s+scan the photos the replicas queue in Redis/);
  });
});
