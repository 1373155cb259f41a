import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Jimp } from "jimp";
import { afterEach, describe, expect, it } from "vitest";

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../bin/pagobot.js", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/scanner/", import.meta.url));

async function pagobot(...args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    const { stdout } = await run(process.execPath, [bin, ...args]);
    return { code: 0, stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string };
    return { code: failed.code, stdout: failed.stdout };
  }
}

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("pagobot scan (the real command line)", () => {
  it("prints one JSON line per file, in the order given, all files in one process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pagobot-scan-"));
    tempDirs.push(dir);
    const notImage = join(dir, "notes.txt");
    writeFileSync(notImage, "not an image");
    // A picture with no code of any kind (a QR, or a Poste Data Matrix the scanner reads when no QR is).
    const blank = join(dir, "blank.png");
    writeFileSync(blank, await new Jimp({ width: 320, height: 240, color: 0xf4f4f4ff }).getBuffer("image/png"));
    const { code, stdout } = await pagobot(
      "scan",
      join(fixtures, "dev-0003.png"),
      blank,
      notImage,
      join(dir, "missing.jpg"),
    );
    expect(code).toBe(1);
    const lines = stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatchObject({
      file: join(fixtures, "dev-0003.png"),
      ok: true,
      payloads: ["PAGOPA|002|342823401952101609|89978988924|17437", "PAGOPA|002|311350374237854136|89978988924|17437"],
    });
    expect(lines[0].notices[0]).toEqual({
      kind: "qr",
      noticeNumber: "342823401952101609",
      fiscalCode: "89978988924",
      amountCents: 17437,
      rptId: "89978988924342823401952101609",
      auxDigit: "3",
      iuv: "42823401952101609",
      warnings: expect.any(Array),
    });
    expect(typeof lines[0].ms).toBe("number");
    expect(lines[1]).toMatchObject({ ok: true, payloads: [], notices: [] });
    expect(lines[2]).toEqual({
      file: notImage,
      ok: false,
      error: { code: "unsupported_type", message: "not an image or PDF this scanner reads" },
    });
    expect(lines[3]).toMatchObject({ ok: false, error: { code: "unreadable" } });
  });

  it("exits 0 when every file was read, and 2 without a file", async () => {
    expect((await pagobot("scan", join(fixtures, "dev-0094.jpg"))).code).toBe(0);
    expect((await pagobot("scan")).code).toBe(2);
  });
});
