import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "../log/logger.ts";
import { generateSecretKey, parseSecretKeys, type SecretKey } from "./crypto.ts";

/** The file, in the data directory, that holds the key generated on first start in the embedded mode. */
export const SECRET_KEY_FILE = "secret-keys";

/**
 * The keys that seal secrets at rest: SECRET_KEYS when set; otherwise, in the embedded mode, a key generated
 * into `<dataDir>/secret-keys` (mode 0600) on first start and read from there afterwards; with no data
 * directory (memory://) a key that lives as long as the process, like the data it protects.
 */
export function loadSecretKeys(options: {
  configured: string | undefined;
  dataDir: string | null;
  logger: Logger;
}): SecretKey[] {
  if (options.configured !== undefined) return parseSecretKeys(options.configured);
  if (options.dataDir === null) return parseSecretKeys(generateSecretKey("ephemeral"));
  const file = join(options.dataDir, SECRET_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(options.dataDir, { recursive: true });
    const id = `k${new Date().toISOString().slice(0, 10).replaceAll("-", "")}`;
    // "wx": never overwrite a key another process wrote a moment ago.
    try {
      writeFileSync(file, `${generateSecretKey(id)}\n`, { mode: 0o600, flag: "wx" });
      options.logger.info("generated a secret key for tokens at rest", { file });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(file, 0o600);
  return parseSecretKeys(readFileSync(file, "utf8").trim());
}
