/**
 * Base class of every error pagobot raises on purpose: a stable `code` that the edge maps to a user message,
 * and the underlying `cause`. Messages never carry secrets (tokens, webhook credentials, personal data).
 */
export class PagobotError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}
