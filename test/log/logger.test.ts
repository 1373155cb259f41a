import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "debug", destination }), text: () => lines.join("") };
}

describe("logger redaction", () => {
  it("never writes tokens, connection codes or Authorization headers", () => {
    const { logger, text } = capture();
    logger.info("token refreshed", {
      access_token: "at-123456",
      refresh_token: "rt-123456",
      connection_code: "cc-123456",
      headers: { authorization: "Bearer at-123456" },
      response: { access_token: "at-999" },
    });
    logger.warn("request failed: Authorization: Bearer abc.def-ghi");
    const out = text();
    for (const secret of ["at-123456", "rt-123456", "cc-123456", "at-999", "abc.def-ghi"])
      expect(out).not.toContain(secret);
    expect(out).toContain("token refreshed");
  });

  it("removes the userinfo of URLs (webhook credentials) and Telegram tokens in API URLs", () => {
    const { logger, text } = capture();
    logger.info("delivering webhook to https://form-1:s3cr3t@bot.example.it/droppay/hook/1", {
      url: "http://user:pa55@127.0.0.1:3000/x",
    });
    logger.error("fetch failed for http://127.0.0.1:9000/bot123456:ABCdef-ghi_jkl/getMe");
    const out = text();
    for (const secret of ["s3cr3t", "pa55", "ABCdef-ghi_jkl"]) expect(out).not.toContain(secret);
    expect(out).toContain("bot.example.it/droppay/hook/1");
  });

  it("never writes fiscal codes, notice numbers or QR payloads", () => {
    const { logger, text } = capture();
    logger.info("notice read 3020 1672 3749 6700 00 for 80016350821", {
      noticeNumber: "302016723749670000",
      note: "PAGOPA|002|302016723749670000|80016350821|103069",
      debtor: "RSSMRA85T10A562S",
      error: new Error("unknown notice 302016723749670000"),
    });
    const out = text();
    for (const secret of ["302016723749670000", "3020 1672", "80016350821", "RSSMRA85T10A562S"]) {
      expect(out).not.toContain(secret);
    }
    expect(out).toContain("notice read");
  });

  it("keeps child bindings and levels", () => {
    const { logger, text } = capture();
    logger.child({ module: "droppay" }).debug("form read", { formId: "PPA8K195PZ1Q" });
    const line = JSON.parse(text().trim());
    expect(line).toMatchObject({ level: "debug", module: "droppay", formId: "PPA8K195PZ1Q", msg: "form read" });
  });
});
