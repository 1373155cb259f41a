import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's Chromium (`apt-get install chromium`); .ci/run installs it when missing. Never a downloaded build. */
export const CHROMIUM_PATH = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM_PATH);
// CI installs Chromium (.ci/run), so there a missing browser is a failure, never a silent skip.
if (!hasChromium && process.env.CI === "true")
  throw new Error(`${CHROMIUM_PATH} is missing: apt-get install -y chromium`);
if (!hasChromium) console.warn(`browser tests skipped: ${CHROMIUM_PATH} is missing (apt-get install -y chromium)`);

/** Where the browser tests save their screenshots (gitignored). */
export const screenshotDir = fileURLToPath(new URL("../../test-results/playground/", import.meta.url));

// Quiet, offline, reproducible: no sandbox (CI runs as root), no GPU, no background traffic of any kind.
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A fresh headless Chromium with its own throw-away profile, and one page. */
export async function launchChromium(): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }> {
  const userDataDir = await mkdtemp(join(tmpdir(), "pagobot-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport: { width: 1280, height: 860 },
    locale: "it-IT",
    timeout: 30_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await mkdir(screenshotDir, { recursive: true });
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** The two sizes the playground is tried at: a laptop, and a phone (390×844, touch, as Playwright's iPhone 13). */
export const viewports = {
  desktop: { viewport: { width: 1280, height: 860 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
} as const;

/** A headless Chromium to open contexts of either size in (each context is a fresh browser profile). */
export async function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args, timeout: 30_000 });
}
