import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/log/logger.ts";

function capture(level: "debug" | "warn" = "debug") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), text: () => lines.join("") };
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

  it("gives a child's child both bindings, writes only at the logger's level, and redacts what a child binds", () => {
    const { logger, text } = capture("warn");
    const payment = logger.child({ module: "webhooks" }).child({ paymentId: "p1", token: "secret-token" });
    payment.info("form re-read");
    expect(text()).toBe("");
    payment.warn("could not re-read a form");
    const line = JSON.parse(text().trim());
    expect(line).toMatchObject({ level: "warn", module: "webhooks", paymentId: "p1", msg: "could not re-read a form" });
    expect(text()).not.toContain("secret-token");
  });
});

describe("logged errors", () => {
  it("keep their stack, code and whole cause chain", () => {
    const { logger, text } = capture();
    const socket = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const fetchFailed = new TypeError("fetch failed", { cause: socket });
    logger.error("form read failed", { error: new Error("DropPay did not answer", { cause: fetchFailed }) });
    const { error } = JSON.parse(text().trim());
    expect(error).toMatchObject({
      type: "Error",
      message: "DropPay did not answer",
      cause: {
        type: "TypeError",
        message: "fetch failed",
        cause: { type: "Error", message: "connect ECONNREFUSED 127.0.0.1:9", code: "ECONNREFUSED" },
      },
    });
    expect(error.stack).toMatch(/^Error: DropPay did not answer\n\s+at /);
    expect(error.stack).toContain("logger.test.ts");
    expect(error.cause.cause.stack).toContain("logger.test.ts");
  });

  it("still have secrets scrubbed from message, stack and causes, and never write the error's other fields", () => {
    const { logger, text } = capture();
    const cause = new Error("GET https://form-1:s3cr3t@bot.example.it/hook failed for 302016723749670000");
    const failure = Object.assign(new Error("token call failed: Authorization: Bearer abc.def-ghi", { cause }), {
      response: { access_token: "at-777" },
    });
    logger.error("refresh failed", { error: failure });
    const out = text();
    for (const secret of ["s3cr3t", "302016723749670000", "abc.def-ghi", "at-777"]) expect(out).not.toContain(secret);
    const { error } = JSON.parse(out.trim());
    expect(error.message).toBe("token call failed: Authorization: Bearer [redacted]");
    expect(error.stack).toContain("Bearer [redacted]");
    expect(error.cause.message).toBe("GET https://[redacted]@bot.example.it/hook failed for [notice]");
    expect(error.response).toBeUndefined();
  });

  it("end a circular or endless cause chain instead of looping, and write a non-error cause only as text", () => {
    const { logger, text } = capture();
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    let deep: Error = new Error("level 0");
    for (let i = 1; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    logger.error("loops", {
      circular: a,
      deep,
      objectCause: new Error("x", { cause: { access_token: "at-888" } }),
      textCause: new Error("y", { cause: "socket hang up" }),
    });
    const line = JSON.parse(text().trim());
    expect(line.circular.cause.cause).toBe("[circular]");
    expect(JSON.stringify(line.deep)).toContain("[cause chain too deep]");
    expect(JSON.stringify(line.deep)).not.toContain("level 0");
    expect(line.objectCause.cause).toBe("[object]");
    expect(line.textCause.cause).toBe("socket hang up");
    expect(text()).not.toContain("at-888");
  });

  it("list the errors of an AggregateError (every address a connection tried)", () => {
    const { logger, text } = capture();
    logger.error("connect failed", {
      error: new AggregateError(
        [new Error("connect ECONNREFUSED ::1:6379"), new Error("connect ECONNREFUSED 127.0.0.1:6379")],
        "",
      ),
    });
    const { error } = JSON.parse(text().trim());
    expect(error.errors.map((e: { message: string }) => e.message)).toEqual([
      "connect ECONNREFUSED ::1:6379",
      "connect ECONNREFUSED 127.0.0.1:6379",
    ]);
  });
});
