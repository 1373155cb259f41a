import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PlaygroundError } from "./errors.ts";
import { type Route, securityHeaders } from "./respond.ts";

const publicDir = fileURLToPath(new URL("./public/", import.meta.url));

// Only these files are served: a fixed list, so no request path ever reaches the file system.
const assets: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "style.css": "text/css; charset=utf-8",
  "chat.css": "text/css; charset=utf-8",
  "panel.css": "text/css; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "chat-view.js": "text/javascript; charset=utf-8",
  "api.js": "text/javascript; charset=utf-8",
  "composer.js": "text/javascript; charset=utf-8",
  "sandbox-panel.js": "text/javascript; charset=utf-8",
  "page-text.js": "text/javascript; charset=utf-8",
  "favicon.svg": "image/svg+xml",
};

/** Routes for the page itself: `/` and `/assets/<file>`. Files are read once and kept in memory. */
export function createStaticRoutes(): Route[] {
  const cache = new Map<string, Buffer>();
  const serve = async (name: string): Promise<{ body: Buffer; type: string }> => {
    const type = assets[name];
    if (type === undefined) throw new PlaygroundError("not_found", `no asset ${name}`);
    let body = cache.get(name);
    if (body === undefined) {
      body = await readFile(join(publicDir, name));
      cache.set(name, body);
    }
    return { body, type };
  };
  const handler =
    (name: (match: RegExpExecArray) => string): Route["handle"] =>
    async (_req, res, match) => {
      const { body, type } = await serve(name(match));
      // no-cache: the browser revalidates, so a fresh `npm start` never shows a stale page.
      res.writeHead(200, { "content-type": type, "cache-control": "no-cache", ...securityHeaders }).end(body);
    };
  return [
    { method: "GET", path: /^\/$/, handle: handler(() => "index.html") },
    { method: "GET", path: /^\/favicon\.ico$/, handle: handler(() => "favicon.svg") },
    { method: "GET", path: /^\/assets\/([a-z-]+\.(?:html|css|js|svg))$/, handle: handler((m) => m[1] ?? "") },
  ];
}
