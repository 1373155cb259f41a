import { type ChildProcess, spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `pagobot sandbox` as its own process and collects its output until it says it is ready. */
function startCli(args: string[]): Promise<{ process: ChildProcess; output: () => string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sandbox", ...args], {
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(proc);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${output}`)), 15_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Press Ctrl+C to stop.")) {
        clearTimeout(timer);
        resolve({ process: proc, output: () => output });
      }
    };
    proc.stdout?.on("data", read);
    proc.stderr?.on("data", read);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}:\n${output}`));
    });
  });
}

describe("npm run sandbox", () => {
  it("runs alone on loopback, prints its URL and a token that works, and stops on SIGINT", async () => {
    const { process: proc, output } = await startCli(["--port", "0", "--balance", "120,00", "--log-level", "warn"]);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
    const token = /Test token: ([0-9a-f]{32})/.exec(output())?.[1];
    expect(url).toBeDefined();
    expect(token).toBeDefined();
    expect(output()).toContain("99999000013");

    const created = await fetch(`${url}/payments/v3/methods/pagopa/form`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ codice_avviso: "301202600000000103", codice_ente: "99999000013" }),
    });
    expect(created.status).toBe(200);
    const form = (await created.json()) as { status: string; source: { balance_available: number } };
    expect(form.status).toBe("DRAFT");
    expect(form.source.balance_available).toBe(120);

    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill("SIGINT");
    expect(await exited).toBe(0);
  });

  it("says so when the port is taken", async () => {
    const { output } = await startCli(["--port", "0", "--log-level", "warn"]);
    const port = /127\.0\.0\.1:(\d+)/.exec(output())?.[1] ?? "";
    await expect(startCli(["--port", port])).rejects.toThrow(/exited with 1[\s\S]*port \d+ is already in use/);
  });

  it("`sandbox reset` makes a paid test notice payable again in a running sandbox", async () => {
    const { output } = await startCli(["--port", "0", "--log-level", "warn", "--settle-ms", "10"]);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1] ?? "";
    const token = /Test token: ([0-9a-f]{32})/.exec(output())?.[1] ?? "";
    const call = (method: string, path: string, body?: unknown) =>
      fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const create = () =>
      call("POST", "/payments/v3/methods/pagopa/form", {
        codice_avviso: "301202600000000103",
        codice_ente: "99999000013",
      });
    const { id } = (await (await create()).json()) as { id: string };
    await call("PATCH", `/payments/v3/methods/pagopa/form/${id}`, { status: "READY" });
    await call("POST", `/payments/v3/methods/pagopa/form/disposition/${id}`, {});
    for (let i = 0; i < 100; i++) {
      const form = (await (await call("GET", `/payments/v3/methods/pagopa/form/${id}`)).json()) as { status: string };
      if (form.status === "PAID") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await create()).status).toBe(409);

    const reset = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", "sandbox", "reset", "--url", url], {
      cwd: process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let printed = "";
    reset.stdout?.on("data", (chunk: Buffer) => {
      printed += chunk.toString("utf8");
    });
    const code = await new Promise<number | null>((resolve) => reset.once("exit", resolve));
    expect([code, printed.trim()]).toEqual([
      0,
      "Sandbox reset: 1 paid notice(s) payable again, 1 account(s) back to their opening balance.",
    ]);
    expect((await create()).status).toBe(200);
  });

  it("refuses a bad option with its usage", async () => {
    await expect(startCli(["--port", "not-a-port"])).rejects.toThrow(/exited with 2[\s\S]*Usage: pagobot sandbox/);
  });
});
