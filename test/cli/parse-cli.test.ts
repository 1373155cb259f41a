import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/pagobot.js", import.meta.url));

async function pagobot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("pagobot parse (the real command line)", () => {
  it("prints one JSON line for a valid QR text and exits 0", async () => {
    const { code, stdout } = await pagobot("parse", "PAGOPA|002|347123456789012389|15376371009|12345");
    expect(code).toBe(0);
    expect(stdout.trim().split("\n")).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: true,
      kind: "qr",
      noticeNumber: "347123456789012389",
      fiscalCode: "15376371009",
      amountCents: 12345,
      rptId: "15376371009347123456789012389",
      auxDigit: "3",
      iuv: "47123456789012389",
      warnings: [],
    });
  });

  it("reads a pasted message", async () => {
    const { code, stdout } = await pagobot(
      "parse",
      "Codice avviso 3020 1672 3749 6700 00, CF ente 80016350821, 1.030,69 €",
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      kind: "text",
      noticeNumber: "302016723749670000",
      fiscalCode: "80016350821",
      amountCents: 103069,
      warnings: ["notice_check_digit"],
    });
  });

  it("prints the error and exits 1 for an invalid input", async () => {
    const { code, stdout } = await pagobot("parse", "--as", "qr", "PAGOPA|003|347123456789012389|15376371009|12345");
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      ok: false,
      error: { code: "unsupported_qr_version", message: "only version 002 of the pagoPA QR code exists" },
    });
  });

  it("lists its commands with --help", async () => {
    const { code, stdout } = await pagobot("--help");
    expect(code).toBe(0);
    expect(stdout).toMatch(/parse\s+read a QR text/);
  });
});
