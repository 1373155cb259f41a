import { TelegramRenderError } from "./errors.ts";

/** Bot API: callback_data is 1–64 bytes, so a button carries only the engine's opaque ref. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * Buttons of ours start with this tag, so presses on buttons of an older format (or of another kind we add
 * later) are recognised as not an engine ref instead of being handed to the engine as one.
 */
const REF_TAG = "r:";

/** The callback_data for a button the engine handles. */
export function encodeCallbackData(ref: string): string {
  const data = `${REF_TAG}${ref}`;
  if (ref === "" || Buffer.byteLength(data, "utf8") > MAX_CALLBACK_DATA_BYTES) {
    throw new TelegramRenderError(`button ref of ${Buffer.byteLength(ref, "utf8")} bytes does not fit callback_data`);
  }
  return data;
}

/** The engine ref a pressed button carries, or undefined when the data is not one of ours. */
export function decodeCallbackData(data: string | undefined): string | undefined {
  if (data === undefined || !data.startsWith(REF_TAG) || data.length === REF_TAG.length) return undefined;
  return data.slice(REF_TAG.length);
}
