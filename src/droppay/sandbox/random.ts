import { randomBytes } from "node:crypto";

/** The sandbox's source of chance: ids, tokens and chaos. Seeded, it repeats itself exactly (tests). */
export interface SandboxRandom {
  /** A number in [0, 1). */
  next(): number;
  /** `prefix` followed by `length` characters of 0-9A-Z, like DropPay's ids (PPA8K195PZ1Q). */
  id(prefix: string, length: number): string;
  /** An opaque token of 32 hex characters. */
  token(): string;
}

const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Creates the sandbox's randomness: mulberry32 when seeded, the system's CSPRNG otherwise. */
export function createSandboxRandom(seed?: number): SandboxRandom {
  let state = (seed ?? 0) >>> 0;
  const next =
    seed === undefined
      ? () => randomBytes(4).readUInt32BE(0) / 2 ** 32
      : () => {
          state = (state + 0x6d2b79f5) >>> 0;
          let t = state;
          t = Math.imul(t ^ (t >>> 15), t | 1);
          t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
          return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
        };
  return {
    next,
    id: (prefix, length) => {
      let out = prefix;
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
      return out;
    },
    token: () => {
      let out = "";
      for (let i = 0; i < 4; i++)
        out += Math.floor(next() * 2 ** 32)
          .toString(16)
          .padStart(8, "0");
      return out;
    },
  };
}
