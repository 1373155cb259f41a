/**
 * Telegram's HTML parse mode, as the Bot API documents it: only these tags, properly nested; `<` must start a
 * tag; the named entities &lt; &gt; &amp; &quot; and numeric ones are decoded, any other `&` stays literal.
 * The peer rejects what Telegram rejects ("can't parse entities"), so an escaping bug fails a test.
 */
const ALLOWED_TAGS = new Set([
  "b",
  "strong",
  "i",
  "em",
  "u",
  "ins",
  "s",
  "strike",
  "del",
  "span",
  "tg-spoiler",
  "a",
  "code",
  "pre",
  "blockquote",
  "tg-emoji",
]);

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

export type HtmlParse =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly description: string };

/** Parses an HTML-mode message into the plain text the person sees. */
export function parseTelegramHtml(html: string): HtmlParse {
  const stack: string[] = [];
  let text = "";
  let i = 0;
  const fail = (why: string): HtmlParse => ({
    ok: false,
    description: `Bad Request: can't parse entities: ${why} at byte offset ${Buffer.byteLength(html.slice(0, i))}`,
  });
  while (i < html.length) {
    const char = html[i] as string;
    if (char === "&") {
      const match = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/.exec(html.slice(i));
      const decoded = match ? decodeEntity(match[1] as string) : undefined;
      if (match && decoded !== undefined) {
        text += decoded;
        i += match[0].length;
      } else {
        text += "&";
        i += 1;
      }
      continue;
    }
    if (char !== "<") {
      text += char;
      i += 1;
      continue;
    }
    const close = html.indexOf(">", i);
    if (close === -1) return fail("Unclosed start tag");
    const inner = html.slice(i + 1, close);
    if (inner.startsWith("/")) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) return fail(`Unexpected end tag "${name}"`);
      if (name !== "" && name !== open) return fail(`Unmatched end tag "${name}", expected "</${open}>"`);
    } else {
      const nameMatch = /^([a-zA-Z][a-zA-Z0-9-]*)/.exec(inner);
      if (nameMatch === null) return fail("Empty tag name");
      const name = (nameMatch[1] as string).toLowerCase();
      if (!ALLOWED_TAGS.has(name)) return fail(`Unsupported start tag "${name}"`);
      const attributes = inner.slice(name.length).trim();
      if (name === "a" && !/^href\s*=\s*"[^"]*"$/.test(attributes))
        return fail('Tag "a" must have an "href" attribute');
      if (name === "span" && !/^class\s*=\s*"tg-spoiler"$/.test(attributes))
        return fail('Tag "span" must have class "tg-spoiler"');
      stack.push(name);
    }
    i = close + 1;
  }
  const unclosed = stack.pop();
  if (unclosed !== undefined) return fail(`Can't find end tag corresponding to start tag "${unclosed}"`);
  return { ok: true, text };
}

function decodeEntity(body: string): string | undefined {
  if (!body.startsWith("#")) return NAMED_ENTITIES[body];
  const code = body.startsWith("#x") ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
