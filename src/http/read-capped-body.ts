/**
 * Reads a download's body into memory, never past `limit` bytes: refused at once when its Content-Length says it
 * is larger, and stopped as soon as the stream goes past it (a platform may announce no size, or a wrong one).
 * The errors are the caller's, so each adapter keeps its own typed errors and its own scrubbing of causes.
 */
export async function readCappedBody(
  headers: Headers,
  body: ReadableStream<Uint8Array>,
  limit: number,
  errors: { readonly tooLarge: () => Error; readonly brokeOff: (cause: unknown) => Error },
): Promise<Uint8Array> {
  const declared = Number(headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await body.cancel();
    throw errors.tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const tooLarge = errors.tooLarge();
  try {
    for await (const chunk of body) {
      total += chunk.length;
      if (total > limit) throw tooLarge;
      chunks.push(chunk);
    }
  } catch (error) {
    if (error === tooLarge) throw error;
    throw errors.brokeOff(error);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}
